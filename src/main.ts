import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
const app = new App();
const c = new Chart(app, 'x', { namespace: 'monitoring' });
new kplus.ConfigMap(c, 'cm', { data: { a: 'b' } });
app.synth();
