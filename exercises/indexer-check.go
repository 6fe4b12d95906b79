package exercises

import "time"

var indexerCheck = Exercise{
	Number: 17,
	Slug:   "indexer-check",
	Title:  "Make a flaky test deterministic",
	Lesson: "testing",
	Files:  []string{"check.go"},
	// No fmt or reflect: the indexer's unexported state stays unreadable,
	// so the check can only observe what any test could.
	Imports: []string{"context", "sync", "testing", "time", "github.com/conclab/conclab/exercises/17-indexer-check/indexer"},
	Hints: [3]string{
		"Sleeping \"long enough\" is a guess about how busy the machine is: on a slow indexer the check looks too early and fails, on a quick one it wastes the rest of the sleep. The indexer tells you when a document is indexed: the onIndexed hook you pass to newIndexer. Wait for that event, not for time.",
		"Make a channel before the indexer, and close it in the hook when your document is reported (the hook runs in the indexer's goroutine: only signal there). Wait on the channel in a select with a deadline (time.After), so that an indexer that never indexes fails the check instead of hanging it. Then ask Has at once: the hook promises the document is visible.",
		`After newIndexer and defer ix.Close(), Add the document and:

	select {
	case <-indexed: // closed by the hook for this document
	case <-time.After(10 * time.Second):
		t.Fatalf("%s was not indexed within 10 s", doc)
	}
	if !ix.Has(doc) {
		t.Errorf("the hook reported %s, but Has is false", doc)
	}`,
	},
	Points: map[string]int{
		"TestCheckPassesCorrectIndexers":             2,
		"TestCheckFailsAnIndexerThatNeverIndexes":    1,
		"TestCheckFailsAnIndexerWhoseHookComesFirst": 1,
		"TestCheckFailsAnIndexerThatForgets":         1,
	},
	// Four tests of 50 runs each in fake time: well under a second of
	// real time, even for a check that waits an hour for nothing.
	Timeout: 30 * time.Second,
}
