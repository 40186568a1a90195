/**
 * `GET /openapi.json`: an OpenAPI 3.1 document generated from the route table and the same zod schemas that
 * validate requests (zod 4's `z.toJSONSchema`), so it lists exactly the routes the server has.
 */
import * as z from 'zod';
import { AttemptSchema, ProblemSchema, TaskEventSchema, TaskSchema } from '../contract/task-schemas.js';
import { PROBLEM_CONTENT_TYPE } from './problem.js';
import { defineRoute, type Route } from './route-table.js';
import { VERSION } from './version.js';

type JsonSchema = Record<string, unknown>;

/** Schemas shown once under components and referred to by name. */
const NAMED = new Map<z.ZodType, string>([
  [TaskSchema, 'Task'],
  [AttemptSchema, 'Attempt'],
  [TaskEventSchema, 'TaskEvent'],
  [ProblemSchema, 'Problem'],
]);

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function schemaOrRef(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const name = NAMED.get(schema);
  return name ? { $ref: `#/components/schemas/${name}` } : jsonSchema(schema, io);
}

/** Query string or path parameters, one per property of an object schema. */
function parameters(schema: z.ZodType | undefined, where: 'query' | 'path'): JsonSchema[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input');
  const properties = (object['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object['required'] ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: property,
  }));
}

function operation(route: Route): JsonSchema {
  const responses: Record<string, JsonSchema> = {};
  for (const [status, doc] of Object.entries(route.responses)) {
    const contentType =
      doc.contentType ??
      (doc.schema ? 'application/json' : Number(status) >= 400 ? PROBLEM_CONTENT_TYPE : undefined);
    const schema = doc.schema
      ? schemaOrRef(doc.schema, 'output')
      : Number(status) >= 400
        ? { $ref: '#/components/schemas/Problem' }
        : { type: 'string' };
    responses[status] = {
      description: doc.description,
      ...(contentType ? { content: { [contentType]: { schema } } } : {}),
    };
  }
  if (route.auth)
    responses['401'] ??= {
      description: 'Missing or wrong token',
      content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
    };
  responses['default'] = {
    description: 'An error (application/problem+json)',
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
  };
  return {
    operationId: `${route.method.toString().toLowerCase()}${route.url.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    ...(route.auth ? { security: [{ bearer: [] }] } : { security: [] }),
    parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
    ...(route.body
      ? {
          requestBody: {
            required: route.bodyRequired,
            content: { 'application/json': { schema: schemaOrRef(route.body, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

export function openApiDocument(routes: readonly Route[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
    paths[path] ??= {};
    paths[path][route.method.toString().toLowerCase()] = operation(route);
  }
  const schemas: Record<string, JsonSchema> = {};
  for (const [schema, name] of NAMED) schemas[name] = jsonSchema(schema, 'output');
  return {
    openapi: '3.1.0',
    info: {
      title: 'claude-worker',
      version: VERSION,
      description:
        'Durable background runner for Claude Code tasks. Every route but /health needs `Authorization: Bearer <token>` (the token is in <home>/token); /openapi.json too unless the server sets openapi_public.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas,
    },
    paths,
  };
}

/**
 * The route serving the document; `routes` is read at request time so later registrations are included. Behind the
 * token like every route but /health, unless `openapi_public` says otherwise.
 */
export function openApiRoute(routes: () => readonly Route[], options: { public: boolean }): Route {
  let cached: JsonSchema | null = null;
  return defineRoute({
    method: 'GET',
    url: '/openapi.json',
    tag: 'meta',
    auth: !options.public,
    summary: 'This document',
    responses: { 200: { description: 'OpenAPI 3.1', contentType: 'application/json' } },
    handler: async () => (cached ??= openApiDocument(routes())),
  });
}
