-- Puts the versions built by legs.sql and contacts.sql in place, inside the load's transaction:
-- readers see the old legs and contacts or the new ones, never a mix.
DROP TABLE legs;
ALTER TABLE legs_next RENAME TO legs;
DROP TABLE IF EXISTS contacts;
ALTER TABLE contacts_next RENAME TO contacts;
