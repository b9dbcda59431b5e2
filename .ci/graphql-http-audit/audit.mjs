// Runs the GraphQL-over-HTTP spec's audit suite (npm graphql-http) against a live server.
// Usage: node audit.mjs http://127.0.0.1:8000/graphql   (exits non-zero on any error or warning)
import { auditServer } from 'graphql-http';

const url = process.argv[2];
const results = await auditServer({ url });
const count = (status) => results.filter((r) => r.status === status).length;
for (const result of results) {
  if (result.status !== 'ok') {
    console.log(`${result.status.toUpperCase()} ${result.id} ${result.name}: ${result.reason}`);
  }
}
console.log(`graphql-http audit: ${count('ok')} ok, ${count('warn')} warnings, ${count('error')} errors`);
process.exit(count('error') + count('warn') === 0 ? 0 : 1);
