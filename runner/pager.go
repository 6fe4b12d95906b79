package runner

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/term"

	"github.com/conclab/conclab/lessons/lesson"
)

// pageText shows text on the app's terminal a screen at a time when it is
// longer than the screen and someone is at the terminal to turn the
// pages; otherwise (a pipe, a file, CI, no keyboard on stdin, or text
// that fits) it prints it all at once.
func pageText(app *App, text string) error {
	in, inFile := app.Stdin.(*os.File)
	out, outFile := app.Stdout.(*os.File)
	if !app.StdinTTY || !app.StdoutTTY || !inFile || !outFile {
		_, err := io.WriteString(app.Stdout, text)
		return err
	}
	width, height, err := term.GetSize(int(out.Fd()))
	if err != nil || width < 20 || height < 5 {
		width, height = app.Width, 24
	}
	lines := screenLines(text, width)
	if len(lines) < height {
		_, err := io.WriteString(app.Stdout, text)
		return err
	}
	return withRawTerminal(in, out, func() error {
		p := &pager{in: in, out: out, lines: lines, width: width, height: height, theme: app.Theme}
		resized, stop := notifyResize()
		defer stop()
		done := make(chan struct{})
		defer close(done)
		go func() {
			for {
				select {
				case <-done:
					return
				case <-resized:
					if w, h, err := term.GetSize(int(out.Fd())); err == nil && w >= 20 && h >= 5 {
						p.resize(screenLines(text, w), w, h)
					}
				}
			}
		}()
		return p.run()
	})
}

// screenLines is text as the rows it takes on a terminal of width
// columns.
func screenLines(text string, width int) []string {
	var lines []string
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		lines = append(lines, wrapANSI(line, width)...)
	}
	return lines
}

// withRawTerminal runs fn with the terminal in raw mode (keys one by one,
// without echo, Ctrl-C a key like any other) and puts it back as it was
// afterwards, also when a signal ends conclab meanwhile (SIGTERM, SIGHUP,
// or SIGINT sent by kill): a shell left raw is unusable.
func withRawTerminal(in, out *os.File, fn func() error) error {
	fd := int(in.Fd())
	old, err := term.MakeRaw(fd)
	if err != nil {
		return fmt.Errorf("putting the terminal in raw mode: %v", err)
	}
	restore := sync.OnceFunc(func() { _ = term.Restore(fd, old) })
	defer restore()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case sig := <-sigs:
			restore()
			fmt.Fprint(out, "\r\n")
			code := 1
			if s, ok := sig.(syscall.Signal); ok {
				code = 128 + int(s)
			}
			os.Exit(code)
		case <-done:
		}
	}()
	return fn()
}

// pager shows lines a screen at a time, like a small less: the text on
// all rows but the last, and a status line there. It reads keys from in,
// one byte at a time so that nothing typed after q is taken from whoever
// reads next, and writes screens to out for a terminal in raw mode
// ("\r\n" ends a line).
//
// Keys: space, PgDn, f or Ctrl-F a page on; b, PgUp or Ctrl-B a page
// back; ↓, j or Enter a line on; ↑ or k a line back; g or Home the top;
// G or End the end; q, Q, Ctrl-C or Ctrl-D leave, as does the end of
// the input. When it leaves, the last screen stays and the status line
// is erased, so that what follows is printed under the text.
type pager struct {
	in            io.Reader
	out           io.Writer
	lines         []string // each fits the width
	width, height int
	theme         lesson.Theme
	top           int // the first line on the screen

	// mu orders a redraw for a resized terminal (SIGWINCH, from another
	// goroutine) with the key loop's own.
	mu   sync.Mutex
	left bool // leave has run: a late resize draws nothing
}

// resize lays the text out again for a terminal of width x height (lines
// is the text wrapped to the new width) and redraws it, keeping the part
// that was at the top of the screen there.
func (p *pager) resize(lines []string, width, height int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.left {
		return
	}
	// The top row's place in the text, as a fraction of its rows, is
	// where the reader was; re-wrapping changes the row count, not that.
	at := 0.0
	if len(p.lines) > 0 {
		at = float64(p.top) / float64(len(p.lines))
	}
	p.lines, p.width, p.height = lines, width, height
	p.top = min(max(int(at*float64(len(lines))+0.5), 0), p.last())
	_ = p.draw()
}

func (p *pager) rows() int { return max(1, p.height-1) }

func (p *pager) last() int { return max(0, len(p.lines)-p.rows()) }

func (p *pager) run() error {
	if p.theme == nil {
		p.theme = lesson.Plain{}
	}
	p.mu.Lock()
	err := p.draw()
	p.mu.Unlock()
	if err != nil {
		return err
	}
	for {
		k, err := p.key()
		if errors.Is(err, io.EOF) {
			p.mu.Lock()
			defer p.mu.Unlock()
			return p.leave()
		}
		if err != nil {
			return err
		}
		p.mu.Lock()
		quit, err := p.handle(k)
		p.mu.Unlock()
		if quit || err != nil {
			return err
		}
	}
}

// handle acts on key k; quit says the pager is done.
func (p *pager) handle(k string) (quit bool, err error) {
	top := p.top
	switch k {
	case "q", "Q", "\x03", "\x04":
		return true, p.leave()
	case " ", "f", "\x06", "PgDn":
		top += p.rows()
	case "b", "\x02", "PgUp":
		top -= p.rows()
	case "j", "\r", "\n", "Down":
		top++
	case "k", "Up":
		top--
	case "g", "Home":
		top = 0
	case "G", "End":
		top = p.last()
	default:
		return false, nil
	}
	top = min(max(top, 0), p.last())
	if top == p.top {
		return false, nil
	}
	p.top = top
	return false, p.draw()
}

// draw clears the screen and shows the lines from p.top, and the status
// line under them without a newline (one would scroll the screen).
func (p *pager) draw() error {
	var b strings.Builder
	b.WriteString("\x1b[H\x1b[2J")
	end := min(p.top+p.rows(), len(p.lines))
	for _, l := range p.lines[p.top:end] {
		b.WriteString(l + "\r\n")
	}
	for range p.rows() - (end - p.top) {
		b.WriteString("~\r\n")
	}
	b.WriteString(p.theme.Dim(p.status()))
	_, err := io.WriteString(p.out, b.String())
	return err
}

// status says where the screen is in the text and which keys move it,
// in as much of the width as there is (one column short of it).
func (p *pager) status() string {
	end := min(p.top+p.rows(), len(p.lines))
	where := fmt.Sprintf("lines %d-%d of %d", p.top+1, end, len(p.lines))
	if end == len(p.lines) {
		where += " (end)"
	}
	for _, keys := range []string{
		"   space/PgDn/↓/j: on   b/PgUp/↑/k: back   q: leave",
		"   space ↓: on   b ↑: back   q: leave",
		"   q: leave",
		"",
	} {
		if s := where + keys; len([]rune(s)) < p.width {
			return s
		}
	}
	return string([]rune(where)[:max(0, p.width-1)])
}

// leave erases the status line: the last screen stays, and the cursor is
// where the next output starts.
func (p *pager) leave() error {
	p.left = true
	_, err := io.WriteString(p.out, "\r\x1b[2K")
	return err
}

// key reads one key: a byte, or the name of a cursor or paging key sent
// as an escape sequence ("Up", "PgDn"). An escape sequence it does not
// know is returned as it came.
func (p *pager) key() (string, error) {
	b, err := p.byte()
	if err != nil || b != 0x1b {
		return string(rune(b)), err
	}
	b, err = p.byte()
	if err != nil {
		return "", err
	}
	switch b {
	case 'O': // SS3: the cursor keys in application mode
		b, err = p.byte()
		if err != nil {
			return "", err
		}
		return escapeKey("O" + string(rune(b))), nil
	case '[':
		seq := "["
		for {
			b, err = p.byte()
			if err != nil {
				return "", err
			}
			seq += string(rune(b))
			if b >= 0x40 && b <= 0x7e {
				return escapeKey(seq), nil
			}
		}
	}
	// Escape then a key: the key.
	return string(rune(b)), nil
}

func escapeKey(seq string) string {
	switch seq {
	case "[A", "OA":
		return "Up"
	case "[B", "OB":
		return "Down"
	case "[5~":
		return "PgUp"
	case "[6~":
		return "PgDn"
	case "[H", "OH", "[1~", "[7~":
		return "Home"
	case "[F", "OF", "[4~", "[8~":
		return "End"
	}
	return "\x1b" + seq
}

func (p *pager) byte() (byte, error) {
	var b [1]byte
	_, err := io.ReadFull(p.in, b[:])
	return b[0], err
}
