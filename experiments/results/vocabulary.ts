/**
 * The names results are keyed by, as the server defines them: pipeline stages (scrape samples, stage charts)
 * and repository sizes (scalability runs). Reports take them from here, so results are their only input.
 */
export { STAGES, TOTAL_STAGE, type Stage } from '../../src/pipeline/stages.js';
export { REPO_SIZES, type RepoSize } from '../../src/pipeline/failure.js';
