/**
 * @module eval/model/server
 * A minimal OpenAI-compatible server for the local model: `GET /v1/models` and
 * `POST /v1/chat/completions` (non-streaming, with `tools` and `tool_choice`), plus `GET /stats`
 * (how many completions it gave, how many were tool calls, and the most tool results one request
 * carried). The evaluation's `openai` agent
 * talks to it over HTTP as to any endpoint. `startModelServer` runs it in-process (the runner and
 * the smoke test use that); `bun eval/model/server.ts [--port N]` runs it on its own.
 */
import { ChatRequest, toChoice, toPrompt } from './chat-format.ts';
import { loadModel, localModelConfig, type LoadedModel, type LocalModelConfig } from './runtime.ts';

export interface ModelServerStats {
  completions: number;
  toolCalls: number;
  /** The most `tool` messages (results sent back to the model) seen in one request. */
  toolResultsSeen: number;
}

export interface ModelServer {
  /** The base URL, ending in `/v1`. */
  url: string;
  modelName: string;
  stats: ModelServerStats;
  stop(): Promise<void>;
}

const error = (status: number, message: string) =>
  Response.json({ error: { message, type: status === 400 ? 'invalid_request_error' : 'server_error' } }, { status });

async function completion(req: Request, model: LoadedModel, config: LocalModelConfig, stats: ModelServerStats) {
  let request: ChatRequest;
  try {
    const parsed = ChatRequest.safeParse(await req.json());
    if (!parsed.success) return error(400, `invalid request: ${parsed.error.issues[0]?.message ?? 'bad body'}`);
    request = parsed.data;
  } catch {
    return error(400, 'invalid request: the body is not JSON');
  }
  let prompt: ReturnType<typeof toPrompt>;
  try {
    prompt = toPrompt(request, { maxToolResultChars: config.maxToolResultChars });
  } catch (err) {
    return error(400, err instanceof Error ? err.message : String(err));
  }
  const results = request.messages.filter((m) => m.role === 'tool').length;
  stats.toolResultsSeen = Math.max(stats.toolResultsSeen, results);
  const text = await model.generate(prompt.history, prompt.grammar, request.max_tokens ?? config.maxTokens);
  stats.completions++;
  const choice = toChoice(text, `call_${stats.completions}`);
  if (choice.message.tool_calls) stats.toolCalls++;
  return Response.json({
    id: `chatcmpl-${stats.completions}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: config.modelName,
    choices: [{ index: 0, ...choice }],
  });
}

/** Loads the model and serves it on 127.0.0.1 (`port` 0: any free port). */
export async function startModelServer(config: LocalModelConfig, port = 0): Promise<ModelServer> {
  return serveModel(await loadModel(config), config, port);
}

/** Serves a loaded model (or, in tests, a stand-in for one); stopping disposes of it. */
export function serveModel(model: LoadedModel, config: LocalModelConfig, port = 0): ModelServer {
  const stats: ModelServerStats = { completions: 0, toolCalls: 0, toolResultsSeen: 0 };
  const server = Bun.serve({
    port,
    hostname: '127.0.0.1',
    idleTimeout: 0,
    async fetch(req) {
      const path = new URL(req.url).pathname.replace(/\/+$/, '');
      if (req.method === 'GET' && path === '/v1/models')
        return Response.json({ object: 'list', data: [{ id: config.modelName, object: 'model', owned_by: 'local' }] });
      if (req.method === 'GET' && path === '/stats') return Response.json(stats);
      if (req.method === 'POST' && path === '/v1/chat/completions') {
        try {
          return await completion(req, model, config, stats);
        } catch (err) {
          return error(500, err instanceof Error ? err.message : String(err));
        }
      }
      return error(404, `no route ${req.method} ${path}`);
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}/v1`,
    modelName: config.modelName,
    stats,
    async stop() {
      await server.stop(true);
      await model.dispose();
    },
  };
}

if (import.meta.main) {
  const i = Bun.argv.indexOf('--port');
  const port = i >= 0 ? Number(Bun.argv[i + 1]) : 8080;
  const server = await startModelServer(localModelConfig(Bun.env), port);
  console.log(`${server.modelName} at ${server.url} (EVAL_MODEL_URL=${server.url} EVAL_MODEL=${server.modelName})`);
}
