import { loadManifests } from '../manifest/load-manifests';
import { diffInventories, type ReviewDiff } from './diff';
import { formatReviewMarkdown } from './format-markdown';
import { inventoryOf } from './inventory';

export * from './inventory';
export * from './diff';
export * from './format-markdown';

/** Compares two synth outputs (directories or files). */
export function review(baseDir: string, headDir: string): ReviewDiff {
  return diffInventories(inventoryOf(loadManifests([baseDir])), inventoryOf(loadManifests([headDir])));
}

export { formatReviewMarkdown as formatReview };
