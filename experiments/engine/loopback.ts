/** Load tests target loopback only: a mistyped URL must not turn the harness into a load generator for a real host. */
import { isIP } from 'node:net';
import { TerraFixError } from '../../src/pipeline/errors.js';

/**
 * The origin (`http://127.0.0.1:8081`) of a loopback base URL; throws TFX_CONFIG for anything else, unless the
 * user opted in to a remote target (`allowRemote`, `--allow-remote`).
 */
export function loopbackOrigin(baseUrl: string, allowRemote = false): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (cause) {
    throw new TerraFixError('TFX_CONFIG', `baseUrl is not a URL: ${baseUrl}`, {
      category: 'config',
      field: 'baseUrl',
      cause,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TerraFixError('TFX_CONFIG', `baseUrl must be http(s), got ${url.protocol}`, {
      category: 'config',
      field: 'baseUrl',
    });
  }
  if (!allowRemote && !isLoopbackHost(url.hostname)) {
    throw new TerraFixError(
      'TFX_CONFIG',
      `load tests target loopback only (127.0.0.0/8, ::1, localhost) unless --allow-remote; refusing ${url.hostname}`,
      { category: 'config', field: 'baseUrl' },
    );
  }
  return url.origin;
}

/** Whether a URL hostname names this machine's loopback interface. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (host.toLowerCase() === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}
