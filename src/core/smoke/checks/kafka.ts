// Kafka metadata (how many brokers answer) and a topic round-trip through the contract
// Service: create a topic for this run, produce one record, consume it back (from the
// broker addresses the metadata advertises, so their DNS names must resolve from the
// client's namespace), delete the topic. The client image is a running broker's.
import { SMOKE_PREFIX } from '../../names.ts';
import { clientFacts, jobTrouble, marked, type SmokeCheck, type SmokeFactory } from '../types.ts';

const BIN = '/opt/kafka/bin';

function script(b: string, topic: string): string {
  // Each step prints a marked line the judge reads; `set -e` stops at the first failure.
  // The topic takes the brokers' default replication: with one copy, prod's min ISR 2 would
  // refuse the producer's acks=all write, and a smoke check must write the way clients do.
  return [
    'set -e',
    `echo "brokers $(${BIN}/kafka-broker-api-versions.sh --bootstrap-server ${b} | grep -c '(id: ')"`,
    `${BIN}/kafka-topics.sh --bootstrap-server ${b} --create --if-not-exists --topic ${topic} --partitions 1 >/dev/null`,
    `echo "sent ${topic}-payload"`,
    `echo "${topic}-payload" | ${BIN}/kafka-console-producer.sh --bootstrap-server ${b} --topic ${topic}`,
    `echo "received $(${BIN}/kafka-console-consumer.sh --bootstrap-server ${b} --topic ${topic} --from-beginning --max-messages 1 --timeout-ms 30000 2>/dev/null)"`,
    `${BIN}/kafka-topics.sh --bootstrap-server ${b} --delete --topic ${topic} >/dev/null`,
  ].join('\n');
}

export const kafkaSmoke: SmokeFactory = (self) => {
  const { host, port, uid } = clientFacts(self);
  return check(`${host}:${port}`, uid);
};

const check = (bootstrap: string, uid: number): SmokeCheck => ({
  name: 'kafka',
  component: 'kafka',
  title: 'Kafka metadata (broker count) and a topic round-trip',
  jobs: (ctx) => {
    if (!ctx.images.kafka) return { cannot: 'no kafka workload in soma-infra to take the client image from' };
    return [
      {
        namespace: ctx.namespace,
        image: ctx.images.kafka,
        uid,
        command: ['sh', '-c', script(bootstrap, `${SMOKE_PREFIX}-${ctx.runId}`)],
        env: [
          { name: 'LOG_DIR', value: '/tmp' },
          { name: 'KAFKA_HEAP_OPTS', value: '-Xmx192m' },
        ],
        memory: '384Mi',
      },
    ];
  },
  judge: ([r], ctx) => {
    if (!r) return { pass: false, evidence: 'no job ran' };
    const brokers = Number(marked(r.log, 'brokers')[0] ?? NaN);
    const sent = marked(r.log, 'sent')[0];
    const received = marked(r.log, 'received')[0];
    if (r.phase !== 'Succeeded')
      return {
        pass: false,
        evidence: Number.isFinite(brokers) ? `${brokers} broker(s) answered, then ${jobTrouble(r)}` : jobTrouble(r),
      };
    const expected = ctx.kafkaBrokers;
    const brokerText = `${brokers} broker(s) in the metadata${expected !== undefined ? ` (expected ${expected})` : ''}`;
    if (!Number.isFinite(brokers) || brokers < 1 || (expected !== undefined && brokers !== expected))
      return { pass: false, evidence: brokerText };
    if (!sent || sent !== received)
      return {
        pass: false,
        evidence: `${brokerText}; sent ${JSON.stringify(sent)} but received ${JSON.stringify(received ?? '')}`,
      };
    return { pass: true, evidence: `${brokerText}; topic round-trip returned the record sent` };
  },
});
