/**
 * Template metadata keys the local hub reads (kept free of aws-cdk-lib so the hub can import them cheaply).
 * ENTRY: the function's entry file. SCHEDULE: which of the stage's schedules a rule runs on.
 */
export const ENTRY_METADATA_KEY = 'scayle-hub:entry';
export const SCHEDULE_METADATA_KEY = 'scayle-hub:schedule';
