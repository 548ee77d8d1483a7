import { App } from 'cdk8s';
import { ReferenceStack } from '../constructs/lib';

// The default stack: the three tiers in the `monitoring` namespace (see README.md, "The default stack").
const app = new App();
new ReferenceStack(app, 'otel-tiers', { namespace: 'monitoring', disableResourceNameHashes: true });
app.synth();
