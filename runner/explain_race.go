package runner

// explainRaces explains, in plain words, the race reports in a child's
// stderr. It is filled in once lessons/traceback lands.
func explainRaces(app *App, stderr string) {}
