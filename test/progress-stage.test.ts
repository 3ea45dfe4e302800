// The progress line says when the run has left scanning for the finish (sorting, merging), and
// a digest run reports those stages in order.
import { expect, it } from 'vitest';
import { render } from '../dist/cli/progress.js';
import { digestInputs, type Progress } from '../dist/index.js';
import { memory, rec } from './support/flowlog.js';

const base: Progress = {
  objectsListed: 2,
  storedBytesListed: 2e6,
  listingDone: true,
  objectsDone: 2,
  storedBytesDone: 2e6,
  lines: 1234,
  elapsed: 1,
  stage: 'scanning',
};

it('renders the finish stages', () => {
  expect(render('digest', base)).toContain('ETA');
  expect(render('digest', { ...base, stage: 'sorting' })).toContain('sorting');
  expect(render('digest', { ...base, stage: 'merging' })).toContain('merging');
});

it('a run goes scanning → sorting → merging', async () => {
  const stages: string[] = [];
  await digestInputs([memory(rec({ srcaddr: '10.0.0.1' }), rec({ srcaddr: '10.0.0.2' }))], {
    threads: 2,
    onProgress: (p) => {
      if (stages.at(-1) !== p.stage) stages.push(p.stage);
    },
  });
  expect(stages).toEqual(['scanning', 'sorting', 'merging']);
});
