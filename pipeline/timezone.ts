import { z } from 'zod';

/** An IANA time zone name that this runtime knows, e.g. America/Sao_Paulo. */
export const timeZoneSchema = z.string().refine(isValidTimeZone, { message: 'is not an IANA time zone (e.g. America/Sao_Paulo)' });

function isValidTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
