import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { config, importInto, leg, query, scratchDir, writeCsv } from './helpers.ts';

/** Imports one leg per number and returns each number's customer key, DDD, UF and region. */
async function keysOf(numbers: string[], cfg = config()) {
  const dir = await scratchDir();
  const warehouse = join(dir, 'w.duckdb');
  const legs = numbers.map((customer_number, index) => leg({ call_id: `c${index}`, customer_number, started_at: '2026-11-20T10:00:00-03:00' }));
  await importInto(warehouse, [await writeCsv(join(dir, 'legs.csv'), legs)], cfg);
  const rows = await query<{ call_id: string; customer_key: string | null; ddd: string | null; uf: string | null; region: string | null }>(
    warehouse, 'SELECT call_id, customer_key, ddd, uf, region FROM legs', cfg);
  const byCall = new Map(rows.map((row) => [row.call_id, row]));
  return numbers.map((_, index) => byCall.get(`c${index}`)!);
}

describe('customer key (SPEC §2)', () => {
  it.each([
    ['+55 (11) 98765-4321', '11987654321'],
    ['011987654321', '11987654321'],
    ['01511987654321', '11987654321'],
    ['(11) 8765-4321', '11987654321'],
    ['11 3456-7890', '1134567890'],
    ['0800 123 4567', null],
    ['anonymous', null],
    ['+1 415 555 2671', '+14155552671'],
  ])('SPEC example %s → %s', async (number, expected) => {
    const [row] = await keysOf([number]);
    expect(row!.customer_key).toBe(expected);
  });

  it('applies every step of the rule', async () => {
    const cases: Array<[string, string | null, string]> = [
      // step 1: withheld markers, case-insensitive, anywhere in the value
      ['  ', null, 'blank'],
      ['Anônimo', null, 'anônimo with accent'],
      ['ANONIMO', null, 'anonimo'],
      ['Número restrito', null, 'restrito'],
      ['privado', null, 'privado'],
      ['PRIVATE', null, 'private'],
      ['Unknown caller', null, 'unknown'],
      ['desconhecido', null, 'desconhecido'],
      // step 2: international callers
      ['+44 20 7946 0958', '+442079460958', '+ and not 55'],
      ['+1 234 5678', '+12345678', 'exactly 8 digits'],
      ['+1 234 567', null, '7 digits is too short'],
      ['+123456789012345', '+123456789012345', '15 digits'],
      ['+1234567890123456', null, '16 digits is too long'],
      // step 3: country code and long-distance prefixes
      ['5511987654321', '11987654321', '55 + 11 digits'],
      ['551134567890', '1134567890', '55 + 10 digits'],
      ['+55 21 2345-6789', '2123456789', '+55 landline'],
      ['01134567890', '1134567890', '0 + landline'],
      ['0 21 2345 6789', '2123456789', '0 + landline with spaces'],
      ['0 21 21 2345 6789', '2123456789', '0 + carrier code + landline'],
      ['0xx21 98765-4321', '21987654321', '0xx notation keeps digits only'],
      // step 4: lengths and subscriber prefixes
      ['(21) 7654-3210', '21976543210', 'old mobile 7 → ninth digit'],
      ['(31) 6543-2109', '31965432109', 'old mobile 6'],
      ['(41) 2345-6789', '4123456789', 'landline 2'],
      ['(41) 5345-6789', '4153456789', 'landline 5'],
      ['(41) 1345-6789', null, 'subscriber starting with 1'],
      ['(41) 0345-6789', null, 'subscriber starting with 0'],
      ['(11) 88765-4321', null, '11 digits not starting with 9'],
      ['987654321', null, '9 digits'],
      ['119876543210', null, '12 digits without 55'],
      // step 5: DDD must exist
      ['(20) 98765-4321', null, 'DDD 20 does not exist'],
      ['(23) 3456-7890', null, 'DDD 23 does not exist'],
      ['(99) 98765-4321', '99987654321', 'DDD 99 exists (MA)'],
      // step 6: placeholders
      ['(11) 99999-9999', null, 'all nines'],
      ['(21) 3333-3333', null, 'all threes landline'],
    ];
    const rows = await keysOf(cases.map(([number]) => number));
    cases.forEach(([number, expected, why], index) => {
      expect(rows[index]!.customer_key, `${why}: ${number}`).toBe(expected);
    });
  });

  it('derives DDD, UF and region from the key, for all 67 area codes', async () => {
    const dir = await scratchDir();
    const warehouse = join(dir, 'w.duckdb');
    await importInto(warehouse, [await writeCsv(join(dir, 'none.csv'), [])]);
    const [{ count }] = (await query<{ count: bigint }>(warehouse, 'SELECT count(DISTINCT ddd) AS count FROM area_codes')) as [{ count: bigint }];
    expect(Number(count)).toBe(67);
    const rows = await keysOf(['(11) 98765-4321', '(61) 3456-7890', '(92) 98765-4321', '(71) 98765-4321', '(51) 98765-4321', '(62) 98765-4321', '+1 415 555 2671']);
    expect(rows.map((row) => [row.ddd, row.uf, row.region])).toEqual([
      ['11', 'SP', 'Sudeste'],
      ['61', 'DF', 'Centro-Oeste'],
      ['92', 'AM', 'Norte'],
      ['71', 'BA', 'Nordeste'],
      ['51', 'RS', 'Sul'],
      ['62', 'GO', 'Centro-Oeste'],
      [null, null, 'Internacional'],
    ]);
  });

  it('drops configured excluded numbers whatever their format', async () => {
    const cfg = config({ excludedNumbers: ['+55 11 3003-1234'] });
    const rows = await keysOf(['(11) 3003-1234', '011 3003 1234', '(11) 3003-1235'], cfg);
    expect(rows.map((row) => row.customer_key)).toEqual([null, null, '1130031235']);
  });
});
