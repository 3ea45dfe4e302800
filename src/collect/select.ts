/**
 * Stream selection: `-i` IDs, `-t` tags and `-a` all, OR'ed as in hatchery. An ID or tag that
 * matches nothing is a usage error with a "did you mean", never silently nothing to do.
 */
import { UsageError } from '../errors.js';
import { suggest } from '../util/suggest.js';
import type { StreamDefinition } from './types.js';

/** Which streams to run. */
export interface Selection {
  ids?: readonly string[];
  tags?: readonly string[];
  all?: boolean;
}

/**
 * The streams `selection` picks, in definition order.
 * @throws UsageError for an unknown ID or tag (all of them named), or an empty selection.
 */
export function selectStreams(streams: readonly StreamDefinition[], selection: Selection): StreamDefinition[] {
  const ids = selection.ids ?? [];
  const tags = selection.tags ?? [];
  if (!selection.all && ids.length === 0 && tags.length === 0)
    throw new UsageError('no streams selected: use -i ID, -t TAG or -a (see --list)');
  const knownIds = streams.map((s) => s.id);
  const knownTags = [...new Set(streams.flatMap((s) => s.tags ?? []))].sort();
  const problems: string[] = [];
  for (const id of ids) if (!knownIds.includes(id)) problems.push(`unknown stream ID '${id}'${suggest(id, knownIds)}`);
  for (const tag of tags) if (!knownTags.includes(tag)) problems.push(`unknown tag '${tag}'${suggest(tag, knownTags)}`);
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  return streams.filter((s) => selection.all || ids.includes(s.id) || (s.tags ?? []).some((t) => tags.includes(t)));
}
