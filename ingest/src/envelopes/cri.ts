import { factsOf } from './facts.js';
import type { TextLine } from './opened.js';
import { rfc3339Ms } from './time.js';

/**
 * A line of the CRI container log format the kubelet and containerd/CRI-O write:
 * `<RFC 3339 nano time> <stdout|stderr> <tag> <content>`, the tag `F` for a full line or `P` for
 * a part whose continuation follows (tags may grow `:`-separated extras, ignored here).
 */
export function parseCriLine(line: string): TextLine | undefined {
  const first = line.charCodeAt(0);
  if (first < 0x30 || first > 0x39) return undefined;
  const timeEnd = line.indexOf(' ');
  if (timeEnd < 20) return undefined;
  const streamEnd = timeEnd + 7;
  const stream = line.slice(timeEnd + 1, streamEnd);
  if ((stream !== 'stdout' && stream !== 'stderr') || line[streamEnd] !== ' ') return undefined;
  let tagEnd = line.indexOf(' ', streamEnd + 1);
  if (tagEnd === -1) tagEnd = line.length;
  const tag = line.slice(streamEnd + 1, tagEnd);
  const flag = tag.length === 1 ? tag : tag[1] === ':' ? tag[0] : undefined;
  if (flag !== 'F' && flag !== 'P') return undefined;
  const timeMs = rfc3339Ms(line.slice(0, timeEnd));
  if (timeMs === undefined) return undefined;
  return {
    content: tagEnd >= line.length ? '' : line.slice(tagEnd + 1),
    facts: factsOf({ shippedAtMs: timeMs, stream }),
    partial: flag === 'P',
  };
}
