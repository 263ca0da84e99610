/** What every section of `bench/run.ts` is handed. */
import type { LoadSettings } from '../measure.ts';
import type { BenchDatabase } from '../pg.ts';
import type { BenchServer } from '../server.ts';

export interface BenchContext {
  server: BenchServer;
  db: BenchDatabase;
  load: LoadSettings;
  /** A temporary directory for logs of the extra processes. */
  dir: string;
  /** The python that runs the dirac-agentic-style peer (FastMCP and the DiracX client). */
  pythonPeer: string;
  /** Samples the server's memory (called while load runs). */
  sample: () => void;
  tokens: {
    /** chaen as lhcb_user, for REST. */
    rest: string;
    /** chaen as lhcb_user, issued for /mcp. */
    mcp: string;
    /** chaen as lhcb_prmgr (bulk submission). */
    manager: string;
  };
}

/** Tables to print and the section's results for the JSON file. */
export interface SectionOutput<T> {
  tables: string[];
  results: T;
}
