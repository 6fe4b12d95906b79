// Package check is a test, written as a function so that the graded
// tests can run it against indexers that work and indexers that do not.
package check

import (
	"testing"
	"time"

	"github.com/conclab/conclab/exercises/17-indexer-check/indexer"
)

// CheckIndexer checks that an indexer indexes what it is given: it must
// pass on every correct indexer that newIndexer makes, and fail (t.Error
// or t.Fatal) on every broken one. newIndexer starts an indexer that
// calls onIndexed once a document is indexed; Close every indexer you
// make.
func CheckIndexer(t testing.TB, newIndexer func(onIndexed func(doc string)) *indexer.Indexer) {
	t.Helper()
	const doc = "report.pdf"
	// The hook is the event to wait for: it closes indexed when doc is
	// indexed. It runs in the indexer's goroutine, so it only signals;
	// the check looks in its own goroutine.
	indexed := make(chan struct{})
	ix := newIndexer(func(d string) {
		if d == doc {
			close(indexed)
		}
	})
	defer ix.Close()

	ix.Add(doc)
	select {
	case <-indexed:
	case <-time.After(10 * time.Second):
		// Only a broken indexer gets here: the deadline turns "never"
		// into a failure instead of a hang.
		t.Fatalf("%s was not indexed within 10 s: the hook never said so", doc)
	}
	// The hook says "indexed": Has must agree at once, not a little later.
	if !ix.Has(doc) {
		t.Errorf("the hook reported %s indexed, but Has(%q) is false", doc, doc)
	}
}
