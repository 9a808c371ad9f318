import { createHmac, randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** Where the per-warehouse secret lives when RECHAMADAS_SECRET is unset: beside the warehouse, never in the site. */
export function secretFileFor(warehouse: string): string {
  return `${resolve(warehouse)}.secret`;
}

/**
 * The key for customer references (SPEC §7). A plain hash of a phone number is reversible by
 * trying every number, so references are keyed: the environment's secret, or a random one
 * created once per warehouse.
 */
export async function resolveSecret(warehouse: string, explicit?: string): Promise<string> {
  const fromEnv = explicit ?? process.env.RECHAMADAS_SECRET;
  if (fromEnv) return fromEnv;
  const file = secretFileFor(warehouse);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const secret = randomBytes(32).toString('hex');
    await writeFile(file, `${secret}\n`, { flag: 'wx', mode: 0o600 }).catch(async () => undefined);
    await chmod(file, 0o600).catch(() => undefined);
    return (await readFile(file, 'utf8')).trim();
  }
}

/** A short keyed reference that links a customer's contacts without revealing the number. */
export function customerReference(customerKey: string | null, secret: string): string {
  if (!customerKey) return '';
  return createHmac('sha256', secret).update(customerKey).digest('hex').slice(0, 12);
}

/** `(11) •••••-4321`, `(11) ••••-7890`, `+351 •••-5678`; the full number only when masking is off. */
export function displayNumber(customerKey: string | null, mask: boolean): string {
  if (!customerKey) return 'não identificado';
  const last4 = customerKey.slice(-4);
  if (customerKey.startsWith('+')) {
    // Country calling codes have one to three digits: libphonenumber knows which.
    const country = parsePhoneNumberFromString(customerKey)?.countryCallingCode;
    return mask ? `+${country ?? ''} •••-${last4}` : customerKey;
  }
  const ddd = customerKey.slice(0, 2);
  const subscriber = customerKey.slice(2);
  if (mask) return `(${ddd}) ${'•'.repeat(subscriber.length - 4)}-${last4}`;
  return `(${ddd}) ${subscriber.slice(0, -4)}-${last4}`;
}
