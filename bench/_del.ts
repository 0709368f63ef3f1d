import { createElasticsearchClient } from '../core/src/es/client.js';
import { deleteIndexPrefix } from './cleanup.js';
const es = createElasticsearchClient({ ES_URL: 'http://127.0.0.1:9200' } as never);
for (const p of process.argv.slice(2)) await deleteIndexPrefix(es, p);
await es.close();
