// terraform/ read with @cdktf/hcl2json (HashiCorp's parser), without terraform or AWS: variables declared once and
// used, the product guide's variables and outputs present, no credential defaults, terraform.tfvars.example in
// step with the variables, and every variable the containers need set (secrets as secrets). .ci/terraform-check
// runs the real terraform on the same folder (validate, and plans against a mocked provider).
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from '@cdktf/hcl2json';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

const ROOT = new URL('../../', import.meta.url);
const TF_DIR = new URL('terraform/', ROOT);

// The product guide ("ECS/Fargate Production Deployment"): its terraform.tfvars and the outputs its commands use.
const GUIDE_VARIABLES = [
  'aws_region',
  'environment',
  'vanta_api_token',
  'github_token',
  'vpc_id',
  'subnet_ids',
  'github_repo_mapping',
  'terraform_path',
  'poll_interval_seconds',
  'state_retention_days',
  'redis_node_type',
  'redis_snapshot_retention_days',
  'cpu',
  'memory',
  'log_retention_days',
];
const GUIDE_OUTPUTS = ['ecr_repository_url', 'ecs_cluster_name', 'ecs_service_name', 'cloudwatch_log_group'];

// What `terrafix serve` reads (the guide's table, plus the OAuth client credentials of the Vanta adapter). Until
// the service's config schema lands (issue 11) this list is the contract; afterwards its schema is checked too.
const SERVICE_VARIABLES = [
  'AWS_REGION',
  'BEDROCK_MODEL_ID',
  'POLL_INTERVAL_SECONDS',
  'GITHUB_REPO_MAPPING',
  'TERRAFORM_PATH',
  'MAX_CONCURRENT_WORKERS',
  'REDIS_URL',
  'LOG_LEVEL',
  'STATE_RETENTION_DAYS',
  'GITHUB_TOKEN',
];
const VANTA_CREDENTIALS = ['VANTA_API_TOKEN', 'VANTA_CLIENT_ID', 'VANTA_CLIENT_SECRET'];
/** Variables whose values are credentials: only ever container secrets. */
const SECRET_VARIABLES = [...VANTA_CREDENTIALS, 'GITHUB_TOKEN', 'REDIS_URL', 'TERRAFIX_WEBHOOK_SECRET'];
/** Names the deployment sets for code that is being written (issues 10, 11); docs/deployment.md documents them. */
const PENDING_CONTRACT = [...SERVICE_VARIABLES, ...SECRET_VARIABLES, 'TERRAFIX_EMF_NAMESPACE'];

const SECRET_NAME = /(token|secret|password|passwd|private_key|api_key|access_key|credential)/i;
/** Terraform variables that hold a credential (not ones about secrets, such as secrets_kms_key_arn). */
const CREDENTIAL_VARIABLE =
  /(token|secret|password|passwd|private_key|api_key|access_key|credentials?|client_id)$/i;
const SECRET_VALUE =
  /(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,}|AKIA[0-9A-Z]{16}|xox[abpr]-[\w-]{10,}|-----BEGIN)/;

type Json = Record<string, unknown>;
type Blocks = Record<string, Record<string, Json[]>>;

let files: Map<string, Json>;
let all: string;

beforeAll(async () => {
  const names = readdirSync(TF_DIR).filter((f) => f.endsWith('.tf'));
  files = new Map(
    await Promise.all(
      names.map(async (f) => [f, await parse(f, readFileSync(new URL(f, TF_DIR), 'utf8'))] as const),
    ),
  );
  all = JSON.stringify([...files.values()]);
});

/** Names of the blocks of `kind` (variable, output) in every file, once per block (so with repeats). */
function declared(kind: string): string[] {
  return [...files.values()].flatMap((f) =>
    Object.entries((f[kind] as Record<string, unknown[]> | undefined) ?? {}).flatMap(([name, blocks]) =>
      blocks.map(() => name),
    ),
  );
}

/** Every `locals` entry across the files, with repeats. */
function localEntries(): [string, unknown][] {
  return [...files.values()].flatMap((f) =>
    ((f.locals as Json[] | undefined) ?? []).flatMap((l) => Object.entries(l)),
  );
}

function local(name: string): unknown {
  return localEntries().find(([key]) => key === name)?.[1];
}

function variable(name: string): Json {
  for (const f of files.values()) {
    const block = (f.variable as Record<string, Json[]> | undefined)?.[name]?.[0];
    if (block !== undefined) return block;
  }
  throw new Error(`variable ${name} not declared`);
}

/** Repeated names in `names`. */
function repeats(names: string[]): string[] {
  return names.filter((n, i) => names.indexOf(n) !== i);
}

describe('terraform/ declarations', () => {
  it('declares every variable, output and local once', () => {
    expect(declared('variable').length).toBeGreaterThan(20);
    expect(repeats(declared('variable'))).toEqual([]);
    expect(repeats(declared('output'))).toEqual([]);
    expect(repeats(localEntries().map(([name]) => name))).toEqual([]);
  });

  it('uses only declared variables and locals, and declares none it does not use', () => {
    const variables = new Set(declared('variable'));
    const used = new Set([...all.matchAll(/\bvar\.([A-Za-z_][\w-]*)/g)].map((m) => m[1] ?? ''));
    expect([...used].filter((v) => !variables.has(v))).toEqual([]);
    expect([...variables].filter((v) => !used.has(v))).toEqual([]);
    const locals = new Set(localEntries().map(([name]) => name));
    const usedLocals = new Set([...all.matchAll(/\blocal\.([A-Za-z_][\w-]*)/g)].map((m) => m[1] ?? ''));
    expect([...usedLocals].filter((l) => !locals.has(l))).toEqual([]);
  });

  it("declares the guide's variables and outputs, and the resource its first apply targets", () => {
    expect(GUIDE_VARIABLES.filter((v) => !declared('variable').includes(v))).toEqual([]);
    expect(GUIDE_OUTPUTS.filter((o) => !declared('output').includes(o))).toEqual([]);
    const resources = [...files.values()].map((f) => f.resource as Blocks | undefined);
    expect(resources.some((r) => r?.aws_ecr_repository?.terrafix !== undefined)).toBe(true); // -target=aws_ecr_repository.terrafix
  });

  it('gives no credential variable a default, and marks each sensitive', () => {
    const credentials = declared('variable').filter((v) => CREDENTIAL_VARIABLE.test(v));
    expect(credentials.sort()).toEqual([
      'github_token',
      'vanta_api_token',
      'vanta_client_id',
      'vanta_client_secret',
      'webhook_secret',
    ]);
    for (const name of credentials) {
      const block = variable(name);
      expect(block.default ?? null, name).toBeNull();
      expect(block.sensitive, name).toBe(true);
    }
    for (const name of declared('variable'))
      expect(JSON.stringify(variable(name).default ?? null), name).not.toMatch(SECRET_VALUE);
  });
});

describe('terraform.tfvars.example', () => {
  const text = readFileSync(new URL('terraform.tfvars.example', TF_DIR), 'utf8');

  it('assigns only declared variables, and every variable of the guide (credentials commented out)', async () => {
    const assigned = Object.keys(await parse('terraform.tfvars.example', text));
    expect(assigned.filter((v) => !declared('variable').includes(v))).toEqual([]);
    const commented = [...text.matchAll(/^#\s*([a-z_]+)\s*=/gm)].map((m) => m[1] ?? '');
    expect(GUIDE_VARIABLES.filter((v) => !assigned.includes(v) && !commented.includes(v))).toEqual([]);
    expect(assigned.filter((v) => CREDENTIAL_VARIABLE.test(v))).toEqual([]);
    expect(text).not.toMatch(SECRET_VALUE);
  });
});

/** Keys of an object-valued local (an object constructor hcl2json keeps as an object). */
function objectKeys(name: string): string[] {
  const value = local(name);
  if (typeof value !== 'object' || value === null) throw new Error(`local.${name} is not an object`);
  return Object.keys(value);
}

/** Every zod object exported as `*EnvSchema` from src/config (the api server's today; the service's later). */
async function envSchemas(): Promise<Map<string, z.ZodObject>> {
  const dir = new URL('src/config/', ROOT);
  const schemas = new Map<string, z.ZodObject>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const mod = (await import(new URL(file, dir).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod))
      if (name.endsWith('EnvSchema') && value instanceof z.ZodObject) schemas.set(name, value);
  }
  return schemas;
}

describe('container environments', () => {
  let serviceEnv: string[];
  let serviceSecrets: string[];
  let apiEnv: string[];
  let apiSecrets: string[];

  beforeAll(() => {
    serviceEnv = objectKeys('service_environment_core');
    // Secrets: every credential the configuration can create (which Vanta ones depends on the auth mode), and
    // REDIS_URL, added by name in the expression that lists the service's secrets.
    const credentials = objectKeys('credential_values');
    expect(String(local('service_secret_names'))).toContain('"REDIS_URL"');
    expect(String(local('service_secret_names'))).toContain('"TERRAFIX_WEBHOOK_SECRET"'); // ...which it leaves out
    serviceSecrets = [...credentials.filter((c) => c !== 'TERRAFIX_WEBHOOK_SECRET'), 'REDIS_URL'];
    apiEnv = objectKeys('api_server_environment');
    apiSecrets = [...String(local('api_server_secrets')).matchAll(/name = "([A-Z_]+)"/g)].map(
      (m) => m[1] ?? '',
    );
  });

  it('sets every variable the service reads, credentials as secrets', () => {
    expect(SERVICE_VARIABLES.filter((v) => !serviceEnv.includes(v) && !serviceSecrets.includes(v))).toEqual(
      [],
    );
    expect(serviceSecrets).toEqual(expect.arrayContaining(VANTA_CREDENTIALS));
    expect(serviceEnv.filter((v) => SECRET_VARIABLES.includes(v) || SECRET_NAME.test(v))).toEqual([]);
    expect(serviceSecrets.filter((v) => !SECRET_VARIABLES.includes(v))).toEqual([]);
  });

  it('gives the API server its webhook secret and Redis as secrets, and only variables it reads', async () => {
    const schemas = await envSchemas();
    const apiSchema = schemas.get('apiServerEnvSchema');
    expect(apiSchema).toBeDefined();
    const reads = Object.keys(apiSchema?.shape ?? {});
    expect(apiEnv.filter((v) => !reads.includes(v))).toEqual([]);
    expect(apiSecrets).toEqual(['REDIS_URL', 'TERRAFIX_WEBHOOK_SECRET']);
    expect(apiEnv.filter((v) => SECRET_VARIABLES.includes(v) || SECRET_NAME.test(v))).toEqual([]);
  });

  it('names only variables some config schema reads (or the pending service contract)', async () => {
    const known = new Set([
      ...PENDING_CONTRACT,
      ...[...(await envSchemas()).values()].flatMap((s) => Object.keys(s.shape)),
    ]);
    expect([...serviceEnv, ...serviceSecrets, ...apiEnv, ...apiSecrets].filter((v) => !known.has(v))).toEqual(
      [],
    );
  });

  it("sets every variable a config schema requires (one without a default), in that schema's container", async () => {
    for (const [name, schema] of await envSchemas()) {
      const container =
        name === 'apiServerEnvSchema' ? [...apiEnv, ...apiSecrets] : [...serviceEnv, ...serviceSecrets];
      const required = Object.entries(schema.shape as Record<string, z.ZodType>)
        .filter(([key, field]) => key !== 'PATH' && !field.safeParse(undefined).success)
        .map(([key]) => key);
      expect(
        required.filter((v) => !container.includes(v)),
        name,
      ).toEqual([]);
    }
  });
});
