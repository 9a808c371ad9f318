import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { config, contactsOf, importInto, leg, query, scratchDir, writeCsv } from './helpers.ts';

const W = 7 * 86_400;

/** ISO instant `seconds` after 2026-11-02T12:00:00Z (09:00 in São Paulo). */
function at(seconds: number): string {
  return new Date(Date.parse('2026-11-02T12:00:00Z') + seconds * 1000).toISOString();
}
const DAY = 86_400;

describe('contacts (SPEC §3)', () => {
  it('groups legs sharing a protocol into one contact: transfers are not callbacks', async () => {
    const contacts = await contactsOf([
      leg({ call_id: 'x1', protocol: 'P1', started_at: at(0), agent_id: 'a1', talk_seconds: 60, hold_seconds: 5, wrap_seconds: 10, reason: 'Fatura' }),
      leg({ call_id: 'x2', protocol: 'P1', started_at: at(300), agent_id: 'a2', agent_name: 'Bia', talk_seconds: 90, hold_seconds: 0, wrap_seconds: 20, reason: 'Cancelamento' }),
    ]);
    expect([...contacts.keys()]).toEqual(['vivo:P1']);
    const contact = contacts.get('vivo:P1')!;
    expect(contact).toMatchObject({
      legs: 2, agent_id: 'a2', agent_name: 'Bia', reason: 'Cancelamento', eligible: true, is_callback: false,
      prev_contact_key: null, attributed_contact_key: null, bucket: null, cause: null,
    });
    expect(Number(contact.talk_seconds)).toBe(150);
    expect(Number(contact.handle_seconds)).toBe(185);
  });

  it('takes start, direction and customer from the earliest legs and answered from any leg', async () => {
    const contacts = await contactsOf([
      leg({ call_id: 'b', protocol: 'P', started_at: at(60), status: 'answered', customer_number: '(21) 98888-7777', agent_id: 'a9' }),
      leg({ call_id: 'a', protocol: 'P', started_at: at(0), status: 'abandoned', customer_number: 'anonymous', agent_id: '' }),
      leg({ call_id: 'c', protocol: 'P', started_at: at(120), status: 'abandoned', customer_number: '(31) 98888-7777', agent_id: '', talk_seconds: 999 }),
    ]);
    const contact = contacts.get('vivo:P')!;
    expect(new Date(contact.started_at as Date).toISOString()).toBe(at(0));
    expect(contact).toMatchObject({ answered: true, customer_key: '21988887777', uf: 'RJ', agent_id: 'a9', legs: 3, eligible: true });
    // Durations count answered legs only.
    expect(Number(contact.talk_seconds)).toBe(120);
  });

  it('picks the handling leg by latest start, then greatest call_id', async () => {
    const contacts = await contactsOf([
      leg({ call_id: 'leg-a', protocol: 'P', started_at: at(0), agent_id: 'first' }),
      leg({ call_id: 'leg-c', protocol: 'P', started_at: at(60), agent_id: 'tie-greatest' }),
      leg({ call_id: 'leg-b', protocol: 'P', started_at: at(60), agent_id: 'tie-smaller' }),
      leg({ call_id: 'leg-z', protocol: 'P', started_at: at(120), status: 'abandoned', agent_id: '' }),
    ]);
    expect(contacts.get('vivo:P')!.agent_id).toBe('tie-greatest');
  });

  it('keys contacts by operator:protocol, or operator:call_id without protocol', async () => {
    const contacts = await contactsOf([
      leg({ call_id: '1', protocol: 'P', started_at: at(0) }),
      leg({ call_id: '2', started_at: at(10) }),
      leg({ operator: 'claro', call_id: '3', protocol: 'P', started_at: at(20) }),
    ]);
    expect([...contacts.keys()].sort()).toEqual(['claro:P', 'vivo:2', 'vivo:P']);
  });

  it('groups a leg without protocol whose call_id is another leg\'s protocol into that contact (docs/decisions.md)', async () => {
    const dir = await scratchDir();
    const warehouse = join(dir, 'w.duckdb');
    await importInto(warehouse, [await writeCsv(join(dir, 'legs.csv'), [
      leg({ call_id: 'X', started_at: at(0) }),
      leg({ call_id: 'Y', protocol: 'X', started_at: at(60), agent_id: 'a2' }),
    ])]);
    expect(await query(warehouse, 'SELECT contact_key, CAST(legs AS INTEGER) AS legs, agent_id FROM contacts')).toEqual([
      { contact_key: 'vivo:X', legs: 2, agent_id: 'a2' },
    ]);
  });

  it('marks only inbound answered contacts with a customer key as eligible, and leaves their callback columns null', async () => {
    const contacts = await contactsOf([
      leg({ call_id: 'in', started_at: at(0) }),
      leg({ call_id: 'out', started_at: at(60), direction: 'outbound' }),
      leg({ call_id: 'abandoned', started_at: at(120), status: 'abandoned', agent_id: '' }),
      leg({ call_id: 'anon', started_at: at(180), customer_number: 'Restrito' }),
      leg({ call_id: 'back', started_at: at(240) }),
    ]);
    for (const key of ['vivo:out', 'vivo:abandoned', 'vivo:anon']) {
      expect(contacts.get(key), key).toMatchObject({
        eligible: false, is_callback: null, prev_contact_key: null, origin_contact_key: null,
        attributed_contact_key: null, attributed_agent_id: null, gap_seconds: null, bucket: null, cause: null, resolved: null,
      });
    }
    // Ineligible contacts in between do not break the chain.
    expect(contacts.get('vivo:back')).toMatchObject({ is_callback: true, prev_contact_key: 'vivo:in', gap_seconds: 240 });
  });
});

describe('callback detection (SPEC §4)', () => {
  it('counts a gap of exactly W as a callback and W + 1 s as a new contact, with prev and gap filled both times', async () => {
    const contacts = await contactsOf([
      leg({ call_id: '1', started_at: at(0) }),
      leg({ call_id: '2', started_at: at(W) }),
      leg({ call_id: '3', started_at: at(2 * W + 1) }),
    ]);
    expect(contacts.get('vivo:2')).toMatchObject({ is_callback: true, prev_contact_key: 'vivo:1', gap_seconds: W, attributed_contact_key: 'vivo:1' });
    expect(contacts.get('vivo:3')).toMatchObject({ is_callback: false, prev_contact_key: 'vivo:2', gap_seconds: W + 1, attributed_contact_key: null, bucket: null });
    expect(contacts.get('vivo:1')).toMatchObject({ is_callback: false, prev_contact_key: null, gap_seconds: null });
  });

  it('honours a configured window', async () => {
    const cfg = config({ callbackWindowDays: 1 });
    const contacts = await contactsOf([
      leg({ call_id: '1', started_at: at(0) }),
      leg({ call_id: '2', started_at: at(DAY) }),
      leg({ call_id: '3', started_at: at(2 * DAY + 1) }),
    ], cfg);
    expect(contacts.get('vivo:2')!.is_callback).toBe(true);
    expect(contacts.get('vivo:3')!.is_callback).toBe(false);
  });

  it('orders contacts that start together by contact_key as text', async () => {
    const contacts = await contactsOf([
      leg({ call_id: '9', started_at: at(0), agent_id: 'nine' }),
      leg({ call_id: '10', started_at: at(0), agent_id: 'ten' }),
    ]);
    // 'vivo:10' < 'vivo:9' as text, so 9 is the callback of 10.
    expect(contacts.get('vivo:9')).toMatchObject({ is_callback: true, prev_contact_key: 'vivo:10', gap_seconds: 0, attributed_agent_id: 'ten' });
    expect(contacts.get('vivo:10')).toMatchObject({ is_callback: false, prev_contact_key: null });
  });

  it('matches a customer across operators and number formats', async () => {
    const contacts = await contactsOf([
      leg({ operator: 'vivo', call_id: '1', started_at: at(0), customer_number: '+55 (11) 98765-4321', agent_id: 'v1' }),
      leg({ operator: 'claro', call_id: '1', started_at: at(3600), customer_number: '011987654321', agent_id: 'c1' }),
      leg({ operator: 'tim', call_id: '1', started_at: at(7200), customer_number: '(11) 8765-4321', agent_id: 't1' }),
    ]);
    expect(contacts.get('claro:1')).toMatchObject({ is_callback: true, attributed_contact_key: 'vivo:1', attributed_agent_id: 'v1' });
    expect(contacts.get('tim:1')).toMatchObject({ is_callback: true, prev_contact_key: 'claro:1', attributed_contact_key: 'vivo:1' });
  });

  it('keeps an international caller apart from the national number with the same digits', async () => {
    const contacts = await contactsOf([
      leg({ call_id: 'i1', started_at: at(0), customer_number: '+1 998 765 4321', agent_id: 'i-first' }),
      leg({ call_id: 'n1', started_at: at(60), customer_number: '(19) 98765-4321', agent_id: 'n-first' }),
      leg({ call_id: 'i2', started_at: at(120), customer_number: '+19987654321', agent_id: 'i-second' }),
      leg({ call_id: 'n2', started_at: at(180), customer_number: '019987654321', agent_id: 'n-second' }),
    ]);
    expect(contacts.get('vivo:i1')).toMatchObject({ customer_key: '+19987654321', region: 'Internacional', is_callback: false });
    expect(contacts.get('vivo:n1')).toMatchObject({ customer_key: '19987654321', uf: 'SP', is_callback: false });
    expect(contacts.get('vivo:i2')).toMatchObject({ is_callback: true, prev_contact_key: 'vivo:i1', attributed_agent_id: 'i-first' });
    expect(contacts.get('vivo:n2')).toMatchObject({ is_callback: true, prev_contact_key: 'vivo:n1', attributed_agent_id: 'n-first' });
  });

  const chain = [
    leg({ call_id: 'c1', started_at: at(0), agent_id: 'a1' }),
    leg({ call_id: 'c2', started_at: at(2 * DAY), agent_id: 'a2' }),
    leg({ call_id: 'c3', started_at: at(4 * DAY), agent_id: 'a3' }),
    leg({ call_id: 'c4', started_at: at(6 * DAY), agent_id: 'a4' }),
    leg({ call_id: 'c5', started_at: at(13 * DAY), agent_id: 'a5' }),
    leg({ call_id: 'c6', started_at: at(21 * DAY), agent_id: 'a6' }),
    leg({ call_id: 'c7', started_at: at(21 * DAY + 600), agent_id: 'a7' }),
  ];

  it('charges a long chain to its origin under the origin policy', async () => {
    const contacts = await contactsOf(chain);
    const view = (key: string) => {
      const c = contacts.get(key)!;
      return [c.is_callback, c.origin_contact_key, c.attributed_contact_key, c.attributed_agent_id, c.bucket];
    };
    expect(view('vivo:c1')).toEqual([false, 'vivo:c1', null, null, null]);
    expect(view('vivo:c2')).toEqual([true, 'vivo:c1', 'vivo:c1', 'a1', 'within_3_days']);
    expect(view('vivo:c3')).toEqual([true, 'vivo:c1', 'vivo:c1', 'a1', 'over_3_days']);
    expect(view('vivo:c4')).toEqual([true, 'vivo:c1', 'vivo:c1', 'a1', 'over_3_days']);
    // 7 days after c4: still the same episode, although 13 days after its origin.
    expect(view('vivo:c5')).toEqual([true, 'vivo:c1', 'vivo:c1', 'a1', 'over_3_days']);
    // 8 days after c5: a new episode.
    expect(view('vivo:c6')).toEqual([false, 'vivo:c6', null, null, null]);
    expect(view('vivo:c7')).toEqual([true, 'vivo:c6', 'vivo:c6', 'a6', 'same_day']);
  });

  it('charges each callback to the contact before it under the previous policy', async () => {
    const contacts = await contactsOf(chain, config({ attribution: 'previous' }));
    const view = (key: string) => {
      const c = contacts.get(key)!;
      return [c.origin_contact_key, c.attributed_contact_key, c.attributed_agent_id, c.bucket];
    };
    expect(view('vivo:c2')).toEqual(['vivo:c1', 'vivo:c1', 'a1', 'within_3_days']);
    expect(view('vivo:c3')).toEqual(['vivo:c1', 'vivo:c2', 'a2', 'within_3_days']);
    expect(view('vivo:c5')).toEqual(['vivo:c1', 'vivo:c4', 'a4', 'over_3_days']);
    expect(view('vivo:c6')).toEqual(['vivo:c6', null, null, null]);
    expect(view('vivo:c7')).toEqual(['vivo:c6', 'vivo:c6', 'a6', 'same_day']);
  });

  it('buckets by calendar days in the center time zone, not by elapsed hours', async () => {
    const contacts = await contactsOf([
      // 23:50 in São Paulo on Nov 2 (02:50Z on Nov 3) …
      leg({ call_id: 'late', started_at: '2026-11-03T02:50:00Z' }),
      // … and 00:10 on Nov 3 local: 20 minutes later, but the next calendar day.
      leg({ call_id: 'early', started_at: '2026-11-03T00:10:00-03:00' }),
      // 3 calendar days after Nov 3 at 23:59 local → still within 3 days.
      leg({ call_id: 'd3', started_at: '2026-11-05T23:59:00-03:00' }),
      leg({ call_id: 'd4', started_at: '2026-11-06T00:00:00-03:00' }),
    ]);
    expect(contacts.get('vivo:late')).toMatchObject({ local_date: '2026-11-02' });
    expect(contacts.get('vivo:early')).toMatchObject({ local_date: '2026-11-03', is_callback: true, bucket: 'within_3_days', gap_seconds: 1200 });
    expect(contacts.get('vivo:d3')).toMatchObject({ bucket: 'within_3_days' });
    expect(contacts.get('vivo:d4')).toMatchObject({ bucket: 'over_3_days' });
  });

  it('reads timestamps without an offset in the center time zone', async () => {
    const contacts = await contactsOf([
      leg({ call_id: 'naive', started_at: '2026-11-02 22:30:00' }),
      leg({ call_id: 'utc', started_at: '2026-11-03T01:40:00Z' }),
    ]);
    expect(contacts.get('vivo:naive')!.local_date).toBe('2026-11-02');
    expect(contacts.get('vivo:utc')).toMatchObject({ local_date: '2026-11-02', gap_seconds: 600, bucket: 'same_day' });
  });
});

describe('causes (SPEC §4)', () => {
  /** An origin contact and one callback 1 h later, with the given attributes. */
  async function causeOf(origin: Partial<Parameters<typeof leg>[0]>, callback: Partial<Parameters<typeof leg>[0]>, transferLeg = false, cfg = config()) {
    const legs = [
      leg({ call_id: 'o', protocol: 'PO', started_at: at(0), ...origin }),
      ...(transferLeg ? [leg({ call_id: 'o2', protocol: 'PO', started_at: at(30), talk_seconds: 0, reason: origin.reason ?? 'Sem sinal' })] : []),
      leg({ call_id: 'cb', started_at: at(3600), ...callback }),
    ];
    const contacts = await contactsOf(legs, cfg);
    return contacts.get('vivo:cb')!.cause;
  }

  it('is short when the attributed contact talked less than the threshold, before anything else', async () => {
    expect(await causeOf({ talk_seconds: 29 }, {}, true)).toBe('short');
    expect(await causeOf({ talk_seconds: 30, reason: 'A' }, { reason: 'A' })).toBe('same_reason');
    expect(await causeOf({ talk_seconds: 45, reason: 'A' }, { reason: 'A' }, false, config({ shortCallSeconds: 60 }))).toBe('short');
  });

  it('is transferred when the attributed contact had more than one leg', async () => {
    expect(await causeOf({ talk_seconds: 100 }, {}, true)).toBe('transferred');
  });

  it('is unknown when either side has no reason', async () => {
    expect(await causeOf({ reason: '' }, { reason: 'Sem sinal' })).toBe('unknown');
    expect(await causeOf({ reason: 'Sem sinal' }, { reason: '   ' })).toBe('unknown');
  });

  it('compares reasons ignoring case, accents and spacing', async () => {
    expect(await causeOf({ reason: 'Lentidão  na Internet' }, { reason: 'LENTIDAO na internet' })).toBe('same_reason');
    expect(await causeOf({ reason: '2ª via de boleto' }, { reason: '2a  Via De Boleto ' })).toBe('same_reason');
    expect(await causeOf({ reason: 'Cancelamento' }, { reason: 'Sem sinal' })).toBe('different_reason');
  });
});

describe('resolved (SPEC §4)', () => {
  it('is no when the next contact comes within W, pending while the window is open at the watermark, else yes', async () => {
    const watermark = 30 * DAY;
    const contacts = await contactsOf([
      leg({ call_id: 'solved', customer_number: '(11) 91111-1111', started_at: at(0) }),
      leg({ call_id: 'again', customer_number: '(11) 92222-2222', started_at: at(DAY) }),
      leg({ call_id: 'again2', customer_number: '(11) 92222-2222', started_at: at(DAY + W) }),
      // Window closes exactly at the watermark: not strictly after it, so resolved.
      leg({ call_id: 'edge', customer_number: '(11) 93333-3333', started_at: at(watermark - W) }),
      leg({ call_id: 'open', customer_number: '(11) 94444-4444', started_at: at(watermark - W + 1) }),
      // The watermark is the latest leg of any kind, here an outbound call.
      leg({ call_id: 'last', customer_number: '(11) 95555-5555', started_at: at(watermark), direction: 'outbound' }),
    ]);
    expect(contacts.get('vivo:solved')!.resolved).toBe('yes');
    expect(contacts.get('vivo:again')!.resolved).toBe('no');
    expect(contacts.get('vivo:again2')!.resolved).toBe('yes');
    expect(contacts.get('vivo:edge')!.resolved).toBe('yes');
    expect(contacts.get('vivo:open')!.resolved).toBe('pending');
    expect(contacts.get('vivo:last')!.resolved).toBe(null);
  });

  it('is no, not pending, when the next contact already came', async () => {
    const contacts = await contactsOf([
      leg({ call_id: '1', started_at: at(0) }),
      leg({ call_id: '2', started_at: at(60) }),
    ]);
    expect(contacts.get('vivo:1')!.resolved).toBe('no');
    expect(contacts.get('vivo:2')!.resolved).toBe('pending');
  });
});

describe('the contract', () => {
  // The copy in docs/ is what a clone of the repository reads; where the shared original sits
  // beside the checkout, the two must not drift apart.
  const shared = join(import.meta.dirname, '..', '..', 'shared', 'SPEC.md');
  it.skipIf(!existsSync(shared))('docs/SPEC.md is the shared SPEC.md, word for word', async () => {
    expect(await readFile(join(import.meta.dirname, '..', 'docs', 'SPEC.md'), 'utf8')).toBe(await readFile(shared, 'utf8'));
  });
});
