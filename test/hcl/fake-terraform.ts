import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created: string[] = [];

/** A temp dir removed by removeTempDirs(). */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(created.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** The resolver address the 'init-fails' fake names in its raw output (it must never reach answers). */
export const RESOLVER = '10.255.255.53';

export type FakeBehaviour = 'validate-json' | 'init-fails' | 'hangs' | 'garbage';

const VALID = '{"format_version":"1.0","valid":true,"error_count":0,"warning_count":0,"diagnostics":[]}';
const INVALID =
  '{"format_version":"1.0","valid":false,"error_count":1,"warning_count":0,"diagnostics":[{"severity":"error","summary":"Unsupported argument","detail":"An argument named \\"fake\\" is not expected here.","range":{"filename":"main.tf","start":{"line":3,"column":3}}}]}';

/**
 * A shell script named `terraform` in a fresh temp dir. It appends "<cwd> <args> <files>" to calls.log and
 * answers like terraform: with 'validate-json', `validate -json` says invalid when any .tf file in the
 * working directory contains "fake-terraform-reject", else valid.
 */
export async function fakeTerraform(
  behaviour: FakeBehaviour,
): Promise<{ dir: string; calls(): Promise<string[]> }> {
  const dir = await tempDir('fake-terraform-');
  const log = join(dir, 'calls.log');
  const body: Record<FakeBehaviour, string> = {
    'validate-json': `case "$1" in
  init) echo "Terraform has been successfully initialized!"; exit 0 ;;
  validate)
    if grep -qs "fake-terraform-reject" ./*.tf; then echo '${INVALID}'; exit 1; fi
    echo '${VALID}'; exit 0 ;;
esac
exit 2`,
    // As terraform prints it when the registry is unreachable: the detail names the host's DNS resolver.
    'init-fails': `printf '%s\\n' "" "Error: Failed to query available provider packages" "" "Could not retrieve the list of available versions for provider hashicorp/aws: could not connect to registry.terraform.io: failed to request discovery document: Get \\"https://registry.terraform.io/.well-known/terraform.json\\": dial tcp: lookup registry.terraform.io on ${RESOLVER}:53: no such host" >&2
exit 1`,
    hangs: 'exec sleep 30',
    garbage: `[ "$1" = init ] && exit 0
echo "panic: something"; exit 1`,
  };
  const script = `#!/bin/sh
echo "$PWD $* $(ls | tr '\\n' ' ')" >> '${log}'
${body[behaviour]}
`;
  await writeFile(join(dir, 'terraform'), script, 'utf8');
  await chmod(join(dir, 'terraform'), 0o755);
  return {
    dir,
    calls: async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter((l) => l !== ''),
  };
}
