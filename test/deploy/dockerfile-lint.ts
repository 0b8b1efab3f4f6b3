// A small Dockerfile linter for the rules this project's image must keep (hadolint is not available offline):
// pinned base images, a non-root numeric USER, a HEALTHCHECK, the terrafix entrypoint and `serve` command, the
// service ports, no credentials in ENV/ARG, lean apt installs. Also a .dockerignore matcher with Docker's rules.

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
  stage: number;
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Map<string, string>;
  instructions: Instruction[];
  /** Stage names (FROM ... AS name), by stage index. */
  stageNames: (string | undefined)[];
}

/** Splits a Dockerfile into instructions: comments dropped, `\` continuations joined. */
export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  const globalArgs = new Map<string, string>();
  const stageNames: (string | undefined)[] = [];
  const lines = text.split('\n');
  let stage = -1;
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i] ?? '';
    if (/^\s*(#|$)/.test(line)) continue;
    while (/\\\s*$/.test(line) && i + 1 < lines.length) {
      i++;
      const next = lines[i] ?? '';
      if (/^\s*#/.test(next)) continue;
      line = line.replace(/\\\s*$/, ' ') + next;
    }
    const match = /^\s*(\w+)\s+([\s\S]*)$/.exec(line);
    if (match === null) continue;
    const keyword = (match[1] ?? '').toUpperCase();
    const args = (match[2] ?? '').trim();
    if (keyword === 'FROM') {
      stage++;
      stageNames.push(/\s+AS\s+(\S+)\s*$/i.exec(args)?.[1]);
    }
    if (keyword === 'ARG' && stage === -1) {
      const [name, ...value] = args.split('=');
      globalArgs.set(
        (name ?? '').trim(),
        value
          .join('=')
          .trim()
          .replace(/^"(.*)"$/, '$1'),
      );
    }
    instructions.push({ keyword, args, line: start + 1, stage });
  }
  return { globalArgs, instructions, stageNames };
}

/** `${NAME}` / `$NAME` replaced by the global ARG defaults. */
function substitute(value: string, args: Map<string, string>): string {
  return value.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => args.get(name) ?? whole);
}

/** The JSON array of an exec-form instruction, or undefined for shell form. */
function execForm(args: string): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every((a) => typeof a === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|PRIVATE_KEY|API_KEY|ACCESS_KEY|CREDENTIAL)/i;
const SECRET_VALUE =
  /(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,}|AKIA[0-9A-Z]{16}|xox[abpr]-[\w-]{10,}|-----BEGIN)/;

/** ENV/ARG pairs of one instruction (`ENV A=1 B=2`, `ENV A 1`, `ARG A=1`). */
function assignments(keyword: string, args: string): [string, string][] {
  if (keyword === 'ENV' && !args.includes('=')) {
    const [name, ...rest] = args.split(/\s+/);
    return [[name ?? '', rest.join(' ')]];
  }
  return [...args.matchAll(/(\w+)(?:=("[^"]*"|\S*))?/g)].map((m) => [m[1] ?? '', m[2] ?? '']);
}

/** Everything this project requires of its Dockerfile; an empty list means it passes. */
export function lintDockerfile(text: string): string[] {
  const file = parseDockerfile(text);
  const findings: string[] = [];
  const { instructions, stageNames, globalArgs } = file;
  const lastStage = stageNames.length - 1;
  if (lastStage < 0) return ['no FROM instruction'];

  for (const ins of instructions) {
    const where = `line ${ins.line}`;
    if (ins.keyword === 'FROM') {
      const image = substitute(ins.args.split(/\s+/)[0] ?? '', globalArgs);
      const earlierStages = stageNames.slice(0, ins.stage);
      if (image !== 'scratch' && !earlierStages.includes(image)) {
        const [name, digest] = image.split('@');
        const tag = /:([^/:]+)$/.exec(name ?? '')?.[1];
        if (tag === undefined && digest === undefined)
          findings.push(`${where}: base image ${image} has no tag`);
        if (tag === 'latest') findings.push(`${where}: base image ${image} uses the latest tag`);
      }
    }
    if (ins.keyword === 'ENV' || ins.keyword === 'ARG') {
      for (const [name, value] of assignments(ins.keyword, ins.args)) {
        if (SECRET_NAME.test(name)) findings.push(`${where}: ${ins.keyword} ${name} looks like a credential`);
        if (SECRET_VALUE.test(value))
          findings.push(`${where}: ${ins.keyword} ${name} holds a credential-like value`);
      }
    }
    if (ins.keyword === 'RUN' && /apt-get\s+install/.test(ins.args)) {
      if (!ins.args.includes('--no-install-recommends'))
        findings.push(`${where}: apt-get install without --no-install-recommends`);
      if (!/rm -rf \/var\/lib\/apt\/lists/.test(ins.args))
        findings.push(`${where}: apt-get install without removing /var/lib/apt/lists`);
    }
    if (ins.keyword === 'ADD' && /^(--\S+\s+)*https?:\/\//.test(ins.args))
      findings.push(`${where}: ADD of a URL (download with a checksum check instead)`);
  }

  const final = instructions.filter((i) => i.stage === lastStage);
  const user = final.filter((i) => i.keyword === 'USER').at(-1)?.args;
  if (user === undefined) findings.push('final stage: no USER (the image would run as root)');
  else if (/^(root|0)(:|$)/.test(user)) findings.push(`final stage: USER ${user} is root`);
  else if (!/^\d+(:\d+)?$/.test(user)) findings.push(`final stage: USER ${user} is not numeric`);

  const healthcheck = final.filter((i) => i.keyword === 'HEALTHCHECK').at(-1)?.args;
  if (healthcheck === undefined || /^NONE$/i.test(healthcheck)) findings.push('final stage: no HEALTHCHECK');
  else if (!healthcheck.includes('/health')) findings.push('final stage: HEALTHCHECK does not probe /health');

  const entrypoint = execForm(final.filter((i) => i.keyword === 'ENTRYPOINT').at(-1)?.args ?? '');
  if (entrypoint === undefined || !entrypoint.includes('terrafix'))
    findings.push('final stage: ENTRYPOINT is not an exec-form command running terrafix');
  const cmd = execForm(final.filter((i) => i.keyword === 'CMD').at(-1)?.args ?? '');
  if (JSON.stringify(cmd) !== '["serve"]') findings.push('final stage: CMD is not ["serve"]');

  const exposed = final.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(/\s+/));
  for (const port of ['8080', '8081'])
    if (!exposed.some((p) => p.replace(/\/tcp$/, '') === port))
      findings.push(`final stage: port ${port} not exposed`);
  return findings;
}

/** Sources of the COPY instructions that read the build context (not --from another stage). */
export function contextCopySources(text: string): string[] {
  return parseDockerfile(text)
    .instructions.filter((i) => i.keyword === 'COPY' && !/--from=/.test(i.args))
    .flatMap((i) => {
      const parts = i.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      return parts.slice(0, -1);
    });
}

/** Docker's .dockerignore semantics: last matching pattern wins; a pattern also matches every path below it. */
export function dockerIgnored(dockerignore: string, path: string): boolean {
  const rules = dockerignore
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negated = l.startsWith('!');
      const pattern = (negated ? l.slice(1) : l).replace(/^\/+|\/+$/g, '');
      const source = pattern
        .split('**')
        .map((part) =>
          part
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '[^/]*')
            .replace(/\?/g, '[^/]'),
        )
        .join('.*')
        .replace(/\.\*\//g, '(.*/)?');
      return { negated, regex: new RegExp(`^${source}$`) };
    });
  const segments = path.replace(/\/+$/, '').split('/');
  const prefixes = segments.map((_, i) => segments.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const rule of rules) {
    if (prefixes.some((p) => rule.regex.test(p))) ignored = !rule.negated;
  }
  return ignored;
}
