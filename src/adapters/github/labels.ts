/**
 * Labels: missing ones are created first with TerraFix's colour (GitHub would otherwise create them grey on
 * first use), then added to the PR. Best effort: a label problem never fails a published PR; it is logged and
 * reported to the caller. Known labels are remembered per repository (bounded) to save a listing per publish.
 */
import type { GitHubClient } from './client.js';

const REMEMBERED_REPOS = 1_000;

export class LabelKeeper {
  private readonly known = new Map<string, Set<string>>();

  constructor(private readonly color: string) {}

  async apply(
    client: GitHubClient,
    owner: string,
    repo: string,
    issueNumber: number,
    labels: readonly string[],
    signal: AbortSignal | undefined,
  ): Promise<void> {
    if (labels.length === 0) return;
    const request = signal === undefined ? {} : { request: { signal } };
    const key = `${owner}/${repo}`.toLowerCase();
    let known = this.known.get(key);
    if (known === undefined) {
      const { data } = await client.rest.issues.listLabelsForRepo({ owner, repo, per_page: 100, ...request });
      known = new Set(data.map((l) => l.name.toLowerCase()));
      this.known.set(key, known);
      if (this.known.size > REMEMBERED_REPOS) this.known.delete(this.known.keys().next().value as string);
    }
    for (const name of labels) {
      if (known.has(name.toLowerCase())) continue;
      try {
        await client.rest.issues.createLabel({ owner, repo, name, color: this.color, ...request });
      } catch (error) {
        // Created meanwhile (another replica): fine. Anything else is a label failure the publisher reports.
        if ((error as { status?: number }).status !== 422) throw error;
      }
      known.add(name.toLowerCase());
    }
    await client.rest.issues.addLabels({
      owner,
      repo,
      issue_number: issueNumber,
      labels: [...labels],
      ...request,
    });
  }
}
