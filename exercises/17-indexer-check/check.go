// Package check is a test, written as a function so that the graded
// tests can run it against indexers that work and indexers that do not.
//
// Read README.md for the task; the tests in check_test.go are the
// contract.
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
	// TODO: this is the test as it is often first written, and it is
	// flaky: it passes only when indexing is quicker than the sleep.
	// Wait for the hook instead.
	ix := newIndexer(nil)
	defer ix.Close()
	ix.Add("report.pdf")
	time.Sleep(time.Millisecond) // "surely indexed by now"
	if !ix.Has("report.pdf") {
		t.Error("report.pdf was not indexed")
	}
}
