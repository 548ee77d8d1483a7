jest.setTimeout(30_000);
import { parseCriLine, type ParsedLine } from '../../../runtime/src/parse/cri';
import { parseDockerLine } from '../../../runtime/src/parse/docker-json';
import { parseRfc3339String } from '../../../runtime/src/parse/timestamp';

const out = (): ParsedLine => ({ time: '', stream: 0, partial: false, msgStart: 0, msgEnd: 0 });

function cri(line: string) {
  const b = Buffer.from(line);
  const p = out();
  const ok = parseCriLine(b, 0, b.length, p);
  return ok ? { ...p, msg: b.toString('utf8', p.msgStart, p.msgEnd) } : undefined;
}

describe('CRI lines', () => {
  it('reads time, stream, tag and message by byte offsets', () => {
    expect(cri('2024-01-02T03:04:05.123456789Z stdout F hello world')).toMatchObject({
      time: '1704164645123456789',
      stream: 0,
      partial: false,
      msg: 'hello world',
    });
    expect(cri('2024-01-02T03:04:05.1Z stderr P abc')).toMatchObject({
      time: '1704164645100000000',
      stream: 1,
      partial: true,
      msg: 'abc',
    });
  });

  it('converts offsets to UTC to the nanosecond', () => {
    expect(cri('2024-01-02T03:04:05.000000001+02:00 stdout F x')?.time).toBe('1704157445000000001');
    expect(cri('2024-01-01T23:30:00-01:30 stdout F x')?.time).toBe(
      String(Date.UTC(2024, 0, 2, 1, 0, 0) / 1000) + '000000000',
    );
    expect(parseRfc3339String('1970-01-01T00:00:01Z')).toBe('1000000000');
  });

  it('keeps an empty message and extra tag fields', () => {
    expect(cri('2024-01-02T03:04:05Z stdout F ')).toMatchObject({ msg: '' });
    expect(cri('2024-01-02T03:04:05Z stdout F')).toMatchObject({ msg: '' });
    expect(cri('2024-01-02T03:04:05Z stdout F:x y')).toMatchObject({ msg: 'y', partial: false });
  });

  it('rejects what is not CRI', () => {
    expect(cri('hello world')).toBeUndefined();
    expect(cri('2024-01-02T03:04:05Z stdoot F x')).toBeUndefined();
    expect(cri('2024-13-02T03:04:05Z stdout F x')).toBeUndefined();
    expect(cri('2024-01-02T03:04:05Z stdout X x')).toBeUndefined();
    expect(cri('2024-01-02T03:04:05 stdout F x')).toBeUndefined();
  });
});

describe('docker json-file lines', () => {
  it('parses full and partial lines', () => {
    expect(parseDockerLine('{"log":"hi\\n","stream":"stderr","time":"2024-01-02T03:04:05.5Z"}')).toEqual({
      time: '1704164645500000000',
      stream: 1,
      partial: false,
      message: 'hi',
    });
    expect(parseDockerLine('{"log":"part","stream":"stdout","time":"2024-01-02T03:04:05Z"}')?.partial).toBe(
      true,
    );
    expect(
      parseDockerLine('{"log":"crlf\\r\\n","stream":"stdout","time":"2024-01-02T03:04:05Z"}')?.message,
    ).toBe('crlf');
    expect(parseDockerLine('{"log":1}')).toBeUndefined();
    expect(parseDockerLine('not json')).toBeUndefined();
  });
});
