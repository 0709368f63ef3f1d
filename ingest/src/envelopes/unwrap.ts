import type { DeadLetterReason } from '../../../core/src/schemas/dead-letter.js';
import {
  MAX_ENVELOPE_DEPTH,
  type EnvelopeKind,
  type ShipperFacts,
  type UnwrapResult,
  type UnwrappedLine,
} from './envelope.js';
import { OBJECT_ENVELOPES, TEXT_ENVELOPES } from './envelopes.js';
import { identityOf, mergeFacts, plainTextLine, withoutNewline } from './facts.js';
import type { InnerItem, TextLine } from './opened.js';
import { firstNonSpace, isObject, mayStartJson, parseJson, type JsonObject } from './read.js';

/** Lines one record may hold; an OTLP export or an NDJSON batch beyond it is dead-lettered. */
export const MAX_LINES_PER_RECORD = 10_000;

const OPEN_BRACE = 0x7b;

type Rejection = Extract<UnwrapResult, { kind: 'rejected' }>;
/** The lines found so far, or why the record holds none. */
type Step = UnwrappedLine[] | Rejection;

/** Where a text sits: the envelopes around it, what they know, and a path for issues. */
interface Place {
  readonly facts: ShipperFacts;
  readonly envelopes: readonly EnvelopeKind[];
  readonly path: string;
}

type Classified =
  | { readonly kind: 'object'; readonly value: JsonObject; readonly text: string }
  /** CRI or syslog line(s), or several JSON lines. */
  | { readonly kind: 'structured'; readonly text: string }
  | { readonly kind: 'plain'; readonly text: string };

const ROOT: Place = { facts: {}, envelopes: [], path: '(root)' };

/**
 * The log lines in one record, out of whatever envelopes shippers put around them (see
 * `envelope.ts` for the contract). `text` is the record decoded from UTF-8 without BOM, `raw` its
 * bytes, which are the identity of a bare line.
 */
export function unwrapRecord(text: string, raw: Buffer): UnwrapResult {
  try {
    const step = new Unwrapping().record(text, raw);
    return isRejection(step) ? step : { kind: 'lines', lines: step };
  } catch {
    // Not expected to happen; if some input still finds a way, it costs one dead letter, never
    // the consumer.
    return reject('invalid_json', ROOT, 'the record could not be unwrapped', []);
  }
}

function isRejection(step: Step): step is Rejection {
  return !Array.isArray(step);
}

function reject(
  reason: DeadLetterReason,
  place: Place,
  message: string,
  envelopes: readonly EnvelopeKind[] = place.envelopes,
): Rejection {
  return { kind: 'rejected', reason, issues: [{ path: place.path, message }], envelopes };
}

function partialLine(place: Place, kind: EnvelopeKind): Rejection {
  return reject(
    'partial_line',
    place,
    'a CRI partial line (tag P) whose continuation is in another record: the shipper must ' +
      "reassemble partial lines (e.g. Fluent Bit's multiline.parser cri)",
    [...place.envelopes, kind],
  );
}

function notAnObject(value: unknown): string {
  const found = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
  return `expected a JSON object, found ${found}`;
}

/** Inner text sorted by what it holds, parsing JSON only where it starts with `{`. */
function classify(text: string): Classified {
  const start = firstNonSpace(text);
  if (start === -1) return { kind: 'plain', text };
  const body = text.trim();
  const newline = body.indexOf('\n');
  const first = newline === -1 ? body : body.slice(0, newline).trimEnd();
  if (body.charCodeAt(0) === OPEN_BRACE) {
    const whole = parseJson(body);
    if (whole !== undefined && isObject(whole.value))
      return { kind: 'object', value: whole.value, text: body };
    if (newline !== -1) {
      const line = parseJson(first);
      if (line !== undefined && isObject(line.value)) return { kind: 'structured', text: body };
    }
    return { kind: 'plain', text };
  }
  for (const envelope of TEXT_ENVELOPES)
    if (envelope.parse(first) !== undefined) return { kind: 'structured', text: body };
  return { kind: 'plain', text };
}

/** One record's unwrapping; holds the line budget the whole record shares. */
class Unwrapping {
  private remaining = MAX_LINES_PER_RECORD;

  record(text: string, raw: Buffer): Step {
    if (firstNonSpace(text) === -1) return reject('invalid_json', ROOT, 'empty record');
    return this.text(text.trim(), ROOT, { bare: raw, plainIsLine: false });
  }

  /**
   * Text that holds one line or several. At the top, plain text is no log line; inside an
   * envelope it is (the envelope said so).
   */
  private text(
    body: string,
    place: Place,
    how: { readonly bare?: Buffer; readonly plainIsLine: boolean; readonly identityText?: string },
  ): Step {
    if (!body.includes('\n')) return this.single(body, place, how);
    if (body.charCodeAt(0) === OPEN_BRACE) {
      // One JSON object written over several lines.
      const whole = parseJson(body);
      if (whole !== undefined && isObject(whole.value))
        return this.object(whole.value, body, place, how.bare, how.identityText);
    }
    return this.lines(body, place, how.plainIsLine);
  }

  /** Newline-separated lines: each is its own line, except CRI parts joined to their end. */
  private lines(body: string, place: Place, plainIsLine: boolean): Step {
    const out: UnwrappedLine[] = [];
    const parts = new Map<
      string,
      { kind: EnvelopeKind; content: string; facts: ShipperFacts; place: Place }
    >();
    const lines = body.split('\n');
    if (lines.length > MAX_LINES_PER_RECORD * 2) return this.tooMany(place);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
      if (firstNonSpace(line) === -1) continue;
      const at: Place = {
        ...place,
        path: place.path === '(root)' ? `line ${i + 1}` : `${place.path} line ${i + 1}`,
      };
      let step: Step | undefined;
      for (const envelope of TEXT_ENVELOPES) {
        const read = envelope.parse(line);
        if (read === undefined) continue;
        const key = `${envelope.kind}:${read.facts.stream ?? ''}`;
        const before = parts.get(key);
        if (read.partial) {
          parts.set(key, {
            kind: envelope.kind,
            content: (before?.content ?? '') + read.content,
            facts: before?.facts ?? read.facts,
            place: before?.place ?? at,
          });
          step = [];
        } else {
          parts.delete(key);
          // The joined line is read at the time of its first part, where it began.
          const whole: TextLine =
            before === undefined
              ? read
              : { content: before.content + read.content, facts: before.facts, partial: false };
          step = this.through(envelope.kind, whole, before?.place ?? at);
        }
        break;
      }
      step ??= this.single(line.trim(), at, {
        ...(place.envelopes.length === 0 ? { bare: Buffer.from(line) } : {}),
        plainIsLine,
      });
      if (isRejection(step)) return step;
      for (const l of step) out.push(l);
    }
    const unfinished = parts.values().next();
    return unfinished.done === true
      ? out
      : partialLine(unfinished.value.place, unfinished.value.kind);
  }

  /** A line of text with no newline in it. */
  private single(
    line: string,
    place: Place,
    how: { readonly bare?: Buffer; readonly plainIsLine: boolean; readonly identityText?: string },
  ): Step {
    const c = line.charCodeAt(0);
    if (c === OPEN_BRACE) {
      const parsed = parseJson(line);
      if (parsed !== undefined && isObject(parsed.value))
        return this.object(parsed.value, line, place, how.bare, how.identityText);
      if (!how.plainIsLine)
        return parsed === undefined
          ? reject('invalid_json', place, 'not valid JSON')
          : reject('not_an_object', place, notAnObject(parsed.value));
    } else {
      for (const envelope of TEXT_ENVELOPES) {
        const read = envelope.parse(line);
        if (read === undefined) continue;
        if (read.partial) return partialLine(place, envelope.kind);
        return this.through(envelope.kind, read, place);
      }
      if (!how.plainIsLine) {
        const parsed = mayStartJson(c) ? parseJson(line) : undefined;
        return parsed === undefined
          ? reject('invalid_json', place, 'not valid JSON')
          : reject('not_an_object', place, notAnObject(parsed.value));
      }
    }
    return this.plain(line, place, how.identityText);
  }

  /** The content of a text envelope's line: whatever it holds, plain text being a message. */
  private through(kind: EnvelopeKind, read: TextLine, place: Place): Step {
    if (place.envelopes.length >= MAX_ENVELOPE_DEPTH) return this.tooDeep(place, kind);
    const inside: Place = {
      ...place,
      facts: mergeFacts(place.facts, read.facts),
      envelopes: [...place.envelopes, kind],
    };
    return this.inner(classify(read.content), inside, 'message', undefined);
  }

  /** A JSON object: an envelope's, opened, or a bare line. */
  private object(
    value: JsonObject,
    text: string,
    place: Place,
    bare: Buffer | undefined,
    identityText: string | undefined,
  ): Step {
    for (const envelope of OBJECT_ENVELOPES) {
      if (!envelope.recognise(value)) continue;
      const opened = envelope.open(value);
      if (opened.kind === 'partial_line') return partialLine(place, envelope.kind);
      const inner = opened.items.map((item) => classify(item.text));
      if (
        opened.items.some(
          (item, i) => item.plainText === 'not-this-envelope' && inner[i]!.kind === 'plain',
        )
      )
        continue;
      if (place.envelopes.length >= MAX_ENVELOPE_DEPTH) return this.tooDeep(place, envelope.kind);
      const envelopes = [...place.envelopes, envelope.kind];
      const out: UnwrappedLine[] = [];
      for (let i = 0; i < opened.items.length; i++) {
        const item = opened.items[i]!;
        const inside: Place = { ...place, facts: mergeFacts(place.facts, item.facts), envelopes };
        const step = this.inner(inner[i]!, inside, item.plainText, item.identityText);
        if (isRejection(step)) return step;
        for (const line of step) out.push(line);
      }
      return out;
    }
    return this.emit(value, place, bare ?? identityOf(identityText ?? text, place.facts));
  }

  private inner(
    classified: Classified,
    place: Place,
    plainText: InnerItem['plainText'],
    identityText: string | undefined,
  ): Step {
    switch (classified.kind) {
      case 'object':
        return this.object(classified.value, classified.text, place, undefined, identityText);
      case 'structured':
        return this.text(classified.text, place, {
          plainIsLine: true,
          ...(identityText === undefined ? {} : { identityText }),
        });
      case 'plain':
        return typeof plainText === 'object'
          ? this.emit(
              plainText.line,
              place,
              identityOf(identityText ?? JSON.stringify(plainText.line), place.facts),
            )
          : this.plain(classified.text, place, identityText);
    }
  }

  private plain(text: string, place: Place, identityText: string | undefined): Step {
    const line = plainTextLine(withoutNewline(text), place.facts);
    // The built line holds the shipper's time: identical texts at different times (a periodic
    // "health ok") stay distinct lines.
    return this.emit(line, place, identityOf(identityText ?? JSON.stringify(line), place.facts));
  }

  private emit(line: JsonObject, place: Place, identity: Buffer): Step {
    if (--this.remaining < 0) return this.tooMany(place);
    return [{ line, facts: place.facts, envelopes: place.envelopes, identity }];
  }

  private tooMany(place: Place): Rejection {
    return reject(
      'too_large',
      { ...place, path: '(root)' },
      `more than ${MAX_LINES_PER_RECORD} lines`,
    );
  }

  private tooDeep(place: Place, kind: EnvelopeKind): Rejection {
    return reject(
      'schema_mismatch',
      place,
      `envelopes nested more than ${MAX_ENVELOPE_DEPTH} deep`,
      [...place.envelopes, kind],
    );
  }
}
