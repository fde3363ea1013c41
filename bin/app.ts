#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { resolveStage } from '../lib/config/stages';
import { addHubStage } from '../lib/hub-app';

// `cdk synth -c stage=prod -c stageOverrides='{"stock":{"defaultBuffer":2}}'`
const app = new App();
const config = resolveStage(String(app.node.tryGetContext('stage') ?? 'dev'), app.node.tryGetContext('stageOverrides'));
addHubStage(app, config);
app.synth();
