/**
 * Real Python MCP clients for interoperability tests: a python3 that imports the official `mcp`
 * package (`pip install -r examples/python/requirements.txt`). When it is missing, those tests
 * skip with the reason in their name, unless DIRACX_REQUIRE_PYTHON_CLIENT_TESTS=1 makes that a
 * failure (CI installs it).
 */
export type PythonAvailability = { available: true; python: string } | { available: false; reason: string };

/** Set in CI: Python client tests must run, not skip. */
export const PYTHON_CLIENT_TESTS_REQUIRED = Bun.env.DIRACX_REQUIRE_PYTHON_CLIENT_TESTS === '1';

export const PYTHON_CLIENT_INSTALL = 'pip install -r examples/python/requirements.txt';

/** Whether a python3 with the MCP client package is here. */
export function pythonClientAvailability(): PythonAvailability {
  const python = Bun.which('python3') ?? Bun.which('python');
  if (!python) return { available: false, reason: `no python3 on PATH (${PYTHON_CLIENT_INSTALL})` };
  const probe = Bun.spawnSync({
    cmd: [python, '-c', 'import mcp.client.auth.extensions.client_credentials'],
    stdout: 'ignore',
    stderr: 'pipe',
  });
  if (probe.exitCode !== 0)
    return { available: false, reason: `the Python mcp package is not installed (${PYTHON_CLIENT_INSTALL})` };
  return { available: true, python };
}
