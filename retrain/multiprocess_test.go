package retrain_test

const helperEnv = "LOOM_RETRAIN_HELPER"

func helperProcess() int { return 0 }
