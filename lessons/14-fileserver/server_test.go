package fileserver

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/conclab/conclab/lessons/lesson"
)

func testServer(t *testing.T) (*server, string) {
	dir := t.TempDir()
	srv, err := serve(lesson.NewStage(lesson.Options{}), dir, demoKey)
	require.NoError(t, err)
	t.Cleanup(srv.close)
	return srv, dir
}

func TestPutOfOneNameByManyAtOnceStoresOne(t *testing.T) {
	srv, dir := testServer(t)
	const n = 10
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := dial(srv.addr(), demoKey, 10*time.Second)
			if err != nil {
				errs[i] = err
				return
			}
			defer c.close()
			errs[i] = c.put("same.txt", []byte{byte('a' + i)})
		}()
	}
	wg.Wait()
	ok, exists := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case err.Error() == errExist:
			exists++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	assert.Equal(t, 1, ok, "exactly one PUT wins")
	assert.Equal(t, n-1, exists, `the others hear "file already exists"`)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "one file, no upload left behind")
}

func TestPutWithAWrongSumIsRefusedAndLeavesNothing(t *testing.T) {
	srv, dir := testServer(t)
	c, err := dial(srv.addr(), demoKey, 10*time.Second)
	require.NoError(t, err)
	defer c.close()
	require.NoError(t, writeHeader(c.conn, header{Op: "PUT", Name: "bad.txt", Size: 5, SHA256: sumOf([]byte("hello"))}))
	_, err = c.reply()
	require.NoError(t, err, "go ahead")
	_, err = c.conn.Write([]byte("jello"))
	require.NoError(t, err)
	_, err = c.reply()
	assert.EqualError(t, err, errChecksum)
	_, statErr := os.Stat(filepath.Join(dir, "bad.txt"))
	assert.True(t, errors.Is(statErr, os.ErrNotExist), "a corrupt upload is not stored")
	names, err := c.list()
	require.NoError(t, err, "the connection is still in step after a wrong sum")
	assert.Empty(t, names)
}
