import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../pipeline/config.ts';
import { mappingSchema, type MappingInput } from '../pipeline/extract/config.ts';
import { mapRecord, parseDuration, parseTimestamp } from '../pipeline/extract/mapping.ts';
import { addDays, fromLocal, localDayBounds, toLocalIso } from '../pipeline/extract/time.ts';
import { demoSources } from '../pipeline/demo/dialects.ts';
import { isApiSource } from '../pipeline/sources/config.ts';

const SP = 'America/Sao_Paulo';
const context = { operator: 'vivo', timeZone: SP };

const mapping = (input: MappingInput) => mappingSchema.parse(input);

const nested = mapping({
  call_id: 'call.id',
  protocol: 'call.protocol',
  direction: { path: 'call.dir', values: { IN: 'inbound', OUT: 'outbound' } },
  status: { path: 'call.status', values: { ok: 'answered', lost: 'abandoned' } },
  started_at: { path: 'call.start', format: 'br_datetime' },
  updated_at: { path: 'call.updated', format: 'epoch_ms' },
  customer_number: 'customer.numbers.0',
  agent_id: 'agent.id',
  talk_seconds: { path: 'times.talk', format: 'hms' },
  wrap_seconds: { path: 'times.wrap', format: 'seconds' },
});

const record = {
  call: { id: 12345, protocol: '2026-77', dir: ' IN', status: 'ok', start: '26/11/2026 08:15:30', updated: Date.UTC(2026, 10, 26, 11, 20, 0) },
  customer: { numbers: ['+55 (11) 98765-4321', '11 3456-7890'] },
  agent: { id: 'A1' },
  times: { talk: '01:02:03', wrap: 45 },
};

describe('mapRecord', () => {
  it('reads nested paths, array indexes, value maps, local and epoch timestamps and both duration formats', () => {
    expect(mapRecord(record, nested, context)).toEqual({
      leg: {
        operator: 'vivo',
        call_id: '12345',
        protocol: '2026-77',
        direction: 'inbound',
        status: 'answered',
        started_at: '2026-11-26T08:15:30-03:00',
        updated_at: '2026-11-26T08:20:00-03:00',
        customer_number: '+55 (11) 98765-4321',
        agent_id: 'A1',
        talk_seconds: 3723,
        wrap_seconds: 45,
      },
    });
  });

  it('keeps text as sent, spaces included, so nothing is silently rewritten', () => {
    const withSpaces = { ...record, agent: { id: ' A1 ' } };
    expect(mapRecord(withSpaces, nested, context).leg!.agent_id).toBe(' A1 ');
  });

  it('leaves optional fields out when they are absent, null or blank', () => {
    const bare = { ...record, customer: { numbers: [] }, agent: null, times: { talk: '00:00:00', wrap: null }, call: { ...record.call, protocol: '  ' } };
    const { leg } = mapRecord(bare, nested, context);
    expect(leg).toBeDefined();
    expect(Object.keys(leg!)).not.toContain('protocol');
    expect(Object.keys(leg!)).not.toContain('customer_number');
    expect(Object.keys(leg!)).not.toContain('agent_id');
    expect(Object.keys(leg!)).not.toContain('wrap_seconds');
    expect(leg!.talk_seconds).toBe(0);
  });

  it.each([
    ['a missing required field', { ...record, call: { ...record.call, id: undefined } }, /call_id is missing \(call\.id\)/],
    ['an impossible local date', { ...record, call: { ...record.call, start: '31/02/2026 10:00:00' } }, /started_at is not a valid date/],
    ['a timestamp in another format', { ...record, call: { ...record.call, start: '2026-11-26T08:15:30Z' } }, /started_at is not a dd\/MM\/yyyy HH:mm:ss timestamp/],
    ['a value missing from the value map', { ...record, call: { ...record.call, dir: 'X' } }, /direction value is not in the value map \(known: IN, OUT\)/],
    ['a negative duration', { ...record, times: { talk: '00:01:00', wrap: -5 } }, /wrap_seconds is not a whole number/],
    ['a broken HH:MM:SS', { ...record, times: { talk: '1:75:00', wrap: 0 } }, /talk_seconds is not a HH:MM:SS duration/],
    ['an object where text is expected', { ...record, agent: { id: { nested: true } } }, /agent_id is not a text or a number/],
  ])('explains %s', (_, input, reason) => {
    const result = mapRecord(input, nested, context);
    expect(result.leg).toBeUndefined();
    expect(result.error).toMatch(reason);
  });

  it('reports every problem of a record at once', () => {
    const result = mapRecord({ call: { dir: 'X' } }, nested, context);
    expect(result.error?.split('; ')).toHaveLength(4);
  });

  it('refuses what is not a JSON object', () => {
    expect(mapRecord([1, 2], nested, context).error).toBe('record is not a JSON object');
    expect(mapRecord('call', nested, context).error).toBe('record is not a JSON object');
  });

  it('keeps values that already are canonical when there is no value map', () => {
    const plain = mapping({ call_id: 'id', direction: 'd', status: 's', started_at: { path: 't' } });
    expect(mapRecord({ id: 'x', d: 'outbound', s: 'abandoned', t: '2026-11-26T10:00:00Z' }, plain, context).leg).toMatchObject({ direction: 'outbound', status: 'abandoned', started_at: '2026-11-26T07:00:00-03:00' });
  });
});

describe('timestamps and durations', () => {
  it('reads ISO with and without offset, epoch seconds and milliseconds', () => {
    const instant = Date.UTC(2026, 10, 26, 13, 0, 0);
    expect(parseTimestamp('2026-11-26T10:00:00-03:00', 'iso', SP).getTime()).toBe(instant);
    expect(parseTimestamp('2026-11-26T13:00:00.000Z', 'iso', SP).getTime()).toBe(instant);
    // No offset: the center's local time.
    expect(parseTimestamp('2026-11-26 10:00:00', 'iso', SP).getTime()).toBe(instant);
    expect(parseTimestamp(String(instant), 'epoch_ms', SP).getTime()).toBe(instant);
    expect(parseTimestamp(instant / 1000, 'epoch_s', SP).getTime()).toBe(instant);
    expect(() => parseTimestamp('26/11/2026', 'iso', SP)).toThrow();
    expect(() => parseTimestamp('-1', 'epoch_ms', SP)).toThrow();
  });

  it('reads durations as seconds or HH:MM:SS, whole and not negative', () => {
    expect(parseDuration('125', 'seconds')).toBe(125);
    expect(parseDuration('100:00:01', 'hms')).toBe(360_001);
    expect(() => parseDuration(1.5, 'seconds')).toThrow();
    expect(() => parseDuration('12', 'hms')).toThrow();
  });

  it('finds local-day boundaries from the tz database, also across a DST change', () => {
    expect(localDayBounds('2026-11-26', SP)).toEqual({ start: new Date('2026-11-26T03:00:00Z'), end: new Date('2026-11-27T03:00:00Z') });
    // New York springs forward on 2026-03-08: that local day lasts 23 hours.
    const { start, end } = localDayBounds('2026-03-08', 'America/New_York');
    expect(start.toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect((end.getTime() - start.getTime()) / 3_600_000).toBe(23);
    expect(toLocalIso(end, 'America/New_York')).toBe('2026-03-09T00:00:00-04:00');
    // São Paulo sprang forward at midnight on 2018-11-04: that day began at 01:00 (-02:00).
    expect(localDayBounds('2018-11-04', SP).start.toISOString()).toBe('2018-11-04T03:00:00.000Z');
    // Wall times as the import reads zone-less ones: a repeated one is its earlier instant, east
    // of UTC too (Berlin fell back from 03:00 CEST to 02:00 CET on 2026-10-25).
    expect(fromLocal({ year: 2026, month: 10, day: 25, hour: 2, minute: 30, second: 0 }, 'Europe/Berlin').toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(fromLocal({ year: 2024, month: 11, day: 3, hour: 1, minute: 30, second: 0 }, 'America/New_York').toISOString()).toBe('2024-11-03T05:30:00.000Z');
    expect(fromLocal({ year: 2018, month: 11, day: 4, hour: 0, minute: 30, second: 0 }, SP).toISOString()).toBe('2018-11-04T03:30:00.000Z');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});

describe('source configuration', () => {
  it('accepts the demo sources and fills the HTTP defaults', () => {
    const config = parseConfig({ sources: demoSources('http://127.0.0.1:9') });
    expect(config.sources.map((source) => source.name)).toEqual(['vox', 'telefonia_br']);
    expect(config.sources.filter(isApiSource)[0]!.http.maxPages).toBe(1000);
  });

  it('says where a source is wrong, in words, and wants secrets by variable name', () => {
    const [vox] = demoSources('http://127.0.0.1:9');
    const broken = { ...vox, baseUrl: 'ftp://x', auth: { type: 'bearer', tokenEnv: 'eyJhbGciOi.secret-value' } };
    let message = '';
    try {
      parseConfig({ sources: [broken] });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toContain('sources.0.baseUrl: must be an http(s) URL');
    expect(message).toContain('sources.0.auth.tokenEnv: must be an environment variable name');
  });
});
