package servers

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chunkReader returns at most a random 1..max bytes per Read, as a
// network may.
type chunkReader struct {
	r   io.Reader
	rng *rand.Rand
	max int
}

func (c chunkReader) Read(p []byte) (int, error) {
	n := 1 + c.rng.IntN(c.max)
	return c.r.Read(p[:min(n, len(p))])
}

func TestReadFrameWhateverTheReadSizes(t *testing.T) {
	var stream bytes.Buffer
	want := testMessages()
	for _, m := range want {
		require.NoError(t, writeFrame(&stream, m))
	}
	readers := map[string]func([]byte) io.Reader{
		"whole":    func(b []byte) io.Reader { return bytes.NewReader(b) },
		"one-byte": func(b []byte) io.Reader { return iotest.OneByteReader(bytes.NewReader(b)) },
		"half":     func(b []byte) io.Reader { return iotest.HalfReader(bytes.NewReader(b)) },
		"random": func(b []byte) io.Reader {
			return chunkReader{bytes.NewReader(b), rand.New(rand.NewPCG(1, 2)), 7}
		},
	}
	for name, reader := range readers {
		t.Run(name, func(t *testing.T) {
			ok, err := readAll(reader(stream.Bytes()), want, nil)
			require.NoError(t, err)
			assert.Equal(t, len(want), ok)
		})
	}
}

func TestReadFrameHeaderIsBigEndian(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, writeFrame(&b, []byte("hello")))
	assert.Equal(t, []byte{0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o'}, b.Bytes())
}

func TestReadFrameRejectsHugeAndTruncatedFrames(t *testing.T) {
	huge := binary.BigEndian.AppendUint32(nil, maxFrame+1)
	_, err := readFrame(bytes.NewReader(huge))
	assert.ErrorContains(t, err, "over the")

	var b bytes.Buffer
	require.NoError(t, writeFrame(&b, []byte("hello")))
	_, err = readFrame(bytes.NewReader(b.Bytes()[:7]))
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "a frame cut short is an error, not a short message")

	_, err = readFrame(bytes.NewReader(nil))
	assert.True(t, errors.Is(err, io.EOF), "no bytes at all is a clean end")
}
