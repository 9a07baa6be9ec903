package sqlstore

// FullSweepEvery is fullSweepEvery, for tests.
const FullSweepEvery = fullSweepEvery
