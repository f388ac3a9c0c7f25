// A valid dev cluster.yaml for cluster `demo`, with the components given: the starting
// point of the cluster.yaml tests, each of which changes one thing.
export const DEMO_FILE = 'clusters/demo/cluster.yaml';

export const demoClusterYaml = (components = 'platform, cnpg, postgres') => `name: demo
environment: dev
destination:
  server: https://kubernetes.default.svc
repository:
  url: https://github.com/somatechlat/somastack.git
  revision: main
components: [${components}]
`;
