import { validateGithubWorkflow } from '../validators';
(async () => {
  const docs = [
`name: "a \${{ github.sha }} b"
on:
  push: null
permissions:
  contents: read
jobs:
  a:
    name: "x \${{ '\${{' }} y"
    runs-on: ubuntu-latest
    container:
      image: docker:27.3.1-cli
      volumes:
        - "polyci-certs-\${{ github.run_id }}-\${{ github.run_attempt }}-a:/certs/client:ro"
    services:
      docker:
        image: docker:27.3.1-dind
        options: --privileged
        volumes:
          - "polyci-certs-\${{ github.run_id }}-\${{ github.run_attempt }}-a:/certs/client"
    env:
      POLYCI_BRANCH: \${{ github.head_ref || (github.ref_type == 'branch' && github.ref_name || '') }}
    steps:
      - uses: docker://gcr.io/kaniko-project/executor:v1.23.2-debug
        with:
          entrypoint: /busybox/sh
          args: -ec "eval \\"$X\\""
      - run: echo "\${{ '\${{' }}"
`];
  for (const d of docs) console.log(JSON.stringify(await validateGithubWorkflow(d), null, 1));
})();
