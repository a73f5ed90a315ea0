// @kubernetes/client-node's informer against kubemem: it lists, watches, and reports add,
// update and delete. Usage: node informer.mjs KUBECONFIG. Prints the events the informer saw.
import * as k8s from '@kubernetes/client-node';

const kc = new k8s.KubeConfig();
kc.loadFromFile(process.argv[2]);
// client-node refuses a plain-HTTP server unless TLS verification is off (there is no TLS).
kc.loadFromOptions({
  clusters: kc.clusters.map((c) => ({ ...c, skipTLSVerify: true })),
  users: kc.users,
  contexts: kc.contexts,
  currentContext: kc.currentContext,
});
const core = kc.makeApiClient(k8s.CoreV1Api);
const namespace = 'default';
const informer = k8s.makeInformer(kc, `/api/v1/namespaces/${namespace}/configmaps`, () =>
  core.listNamespacedConfigMap({ namespace }),
);
const events = [];
informer.on('add', (o) => events.push(`add ${o.metadata.name}`));
informer.on('update', (o) => events.push(`update ${o.metadata.name} k=${o.data?.k}`));
informer.on('delete', (o) => events.push(`delete ${o.metadata.name}`));
let stopping = false;
informer.on('error', (e) => {
  // Stopping aborts the open watch, which the informer reports as an error.
  if (stopping) return;
  console.error('informer error', e);
  process.exit(1);
});

async function seen(event) {
  for (let i = 0; i < 400; i++) {
    if (events.includes(event)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`never saw "${event}"; saw ${JSON.stringify(events)}`);
}

await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'before' } } });
await informer.start();
await seen('add before');
await core.createNamespacedConfigMap({
  namespace,
  body: { metadata: { name: 'a' }, data: { k: '1' } },
});
await seen('add a');
const current = await core.readNamespacedConfigMap({ name: 'a', namespace });
current.data.k = '2';
await core.replaceNamespacedConfigMap({ name: 'a', namespace, body: current });
await seen('update a k=2');
await core.deleteNamespacedConfigMap({ name: 'a', namespace });
await seen('delete a');
stopping = true;
await informer.stop();
console.log(events.join('\n'));
process.exit(0);
