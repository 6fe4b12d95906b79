package runner

import (
	"bytes"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Every width in this file is the terminal's width, and text laid out
// for it stops one column short: a line exactly as wide as the terminal
// makes many terminals wrap (the cursor moves past the last column), and
// the newline after it then leaves an empty line or, under a menu that
// redraws itself, garbles the screen. usable turns the one into the
// other.
func usable(width int) int { return max(width, 21) - 1 }

// wrapWords breaks text into lines that fit a terminal of width columns
// (at most width-1 columns each), never cutting a word. The first line
// starts at column used (the text before it on that line is the
// caller's); later lines are meant to be printed after an indent of
// indent columns, so that wrapped columns still line up. A word wider
// than the space left stays whole on a line of its own.
func wrapWords(text string, width, used, indent int) []string {
	limit := usable(width)
	var lines []string
	var line strings.Builder
	col := used
	for _, w := range strings.Fields(text) {
		n := utf8.RuneCountInString(w)
		if line.Len() > 0 && col+1+n > limit {
			lines = append(lines, line.String())
			line.Reset()
			col = indent
		}
		if line.Len() > 0 {
			line.WriteByte(' ')
			col++
		}
		line.WriteString(w)
		col += n
	}
	return append(lines, line.String())
}

// wrapUsage wraps a command's usage like wrapWords, but keeps each
// bracketed group ("[--out FILE]") whole, so a flag stays with its value.
func wrapUsage(usage string, width, used, indent int) []string {
	const glue = "\x1f" // holds a group together while wrapping; not a space to strings.Fields
	var b strings.Builder
	depth := 0
	for _, r := range usage {
		switch {
		case r == '[' || r == '<':
			depth++
		case (r == ']' || r == '>') && depth > 0:
			depth--
		case r == ' ' && depth > 0:
			b.WriteString(glue)
			continue
		}
		b.WriteRune(r)
	}
	lines := wrapWords(b.String(), width, used, indent)
	for i := range lines {
		lines[i] = strings.ReplaceAll(lines[i], glue, " ")
	}
	return lines
}

// visibleWidth is how many columns s takes on the screen: its runes,
// not counting terminal escape sequences.
func visibleWidth(s string) int {
	n := 0
	for _, seg := range splitEscapes(s) {
		if !seg.esc {
			n += utf8.RuneCountInString(seg.text)
		}
	}
	return n
}

// segment is a run of text, or one escape sequence.
type segment struct {
	text string
	esc  bool
}

// splitEscapes cuts s into text and the escape sequences between it
// (CSI sequences such as colours, "\x1b[1;32m", and OSC sequences such as
// hyperlinks, ended by BEL or ST).
func splitEscapes(s string) []segment {
	var out []segment
	for s != "" {
		i := strings.IndexByte(s, '\x1b')
		if i < 0 {
			return append(out, segment{text: s})
		}
		if i > 0 {
			out = append(out, segment{text: s[:i]})
		}
		n := escapeLen(s[i:])
		out = append(out, segment{text: s[i : i+n], esc: true})
		s = s[i+n:]
	}
	return out
}

// escapeLen is the length of the escape sequence at the start of s.
func escapeLen(s string) int {
	if len(s) < 2 {
		return len(s)
	}
	switch s[1] {
	case '[': // CSI: parameters, then a final byte in @..~
		for i := 2; i < len(s); i++ {
			if s[i] >= '@' && s[i] <= '~' {
				return i + 1
			}
		}
		return len(s)
	case ']': // OSC: up to BEL or ESC \
		for i := 2; i < len(s); i++ {
			if s[i] == '\a' {
				return i + 1
			}
			if s[i] == '\x1b' && i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
		}
		return len(s)
	}
	return 2
}

// hanging finds where a wrapped line's continuation starts: under the
// text after a lane's tag ("  [worker 1] "), a bullet or a finding's
// mark ("» "), or else under the line's own indentation.
var hanging = regexp.MustCompile(`^ *(\[[^\]]{1,30}\] +|[-*•»▸] +|[A-Za-z]+: +)?`)

const sgrReset = "\x1b[0m"

// wrapANSI breaks one line of terminal output (no newline in it) into
// pieces that fit a terminal of width columns (at most width-1 each),
// at spaces where it can and mid-word where a word is wider than the
// room. Escape sequences take no room. A piece ends with a reset when a
// colour is on at its end, and the next piece turns the same colours on
// again after its indent, so that each piece is a line of its own.
// Continuation pieces are indented to hang under the line's text (see
// hanging), unless that would leave too little room.
func wrapANSI(line string, width int) []string {
	limit := usable(width)
	if visibleWidth(line) <= limit {
		return []string{line}
	}
	plain := stripEscapes(line)
	indent := utf8.RuneCountInString(hanging.FindString(plain))
	if indent > limit/2 {
		indent = 0
	}
	// Lay the visible runes out, remembering at each the escapes that
	// came before it and the colours that are on.
	type cell struct {
		r      rune
		before string // escapes written just before r
		sgr    string // colour escapes in force at r (since the last reset)
	}
	var cells []cell
	var pending, sgr string
	for _, seg := range splitEscapes(line) {
		if seg.esc {
			pending += seg.text
			if strings.HasSuffix(seg.text, "m") && strings.HasPrefix(seg.text, "\x1b[") {
				if seg.text == sgrReset || seg.text == "\x1b[m" {
					sgr = ""
				} else {
					sgr += seg.text
				}
			}
			continue
		}
		for _, r := range seg.text {
			cells = append(cells, cell{r: r, before: pending, sgr: sgr})
			pending = ""
		}
	}
	var out []string
	pad := ""
	for start := 0; start < len(cells); {
		room := limit - len(pad)
		end := len(cells)
		if end-start > room {
			// The last space within the room, not one of the leading
			// ones; without any, cut the word at the room's edge.
			end = start + room
			for i := start + room; i > start; i-- {
				if cells[i].r == ' ' && slices.ContainsFunc(cells[start:i], func(c cell) bool { return c.r != ' ' }) {
					end = i
					break
				}
			}
		}
		var b strings.Builder
		b.WriteString(pad)
		if start > 0 && cells[start].sgr != "" {
			b.WriteString(cells[start].sgr)
		}
		for i := start; i < end; i++ {
			b.WriteString(cells[i].before)
			b.WriteRune(cells[i].r)
		}
		piece := b.String()
		if end < len(cells) {
			piece = strings.TrimRight(piece, " ")
			if cells[end].sgr != "" {
				piece += sgrReset
			}
		} else {
			piece += pending // what closes the line: a reset, usually
		}
		out = append(out, piece)
		// The next piece starts after the spaces at the break.
		for end < len(cells) && cells[end].r == ' ' {
			end++
		}
		start = end
		pad = strings.Repeat(" ", indent)
	}
	return out
}

// stripEscapes returns s without its escape sequences.
func stripEscapes(s string) string {
	var b strings.Builder
	for _, seg := range splitEscapes(s) {
		if !seg.esc {
			b.WriteString(seg.text)
		}
	}
	return b.String()
}

// wrapWriter is an io.Writer that wraps each line written through it to
// a terminal's width (wrapANSI), for output that does not know the
// width: a demo's narration and its goroutines' lines. With width 0
// (output that goes to no terminal: a pipe, a file) lines pass through
// whole, so that tools see them as the demo wrote them. Safe for use by
// several goroutines; Flush writes a last line that did not end.
type wrapWriter struct {
	mu      sync.Mutex
	w       io.Writer
	width   int
	partial []byte
}

// terminalWriter is a wrapWriter for the app's standard output: wrapping
// to its width on a terminal, passing lines through elsewhere.
func terminalWriter(app *App) *wrapWriter {
	if !app.StdoutTTY {
		return newWrapWriter(app.Stdout, 0)
	}
	return newWrapWriter(app.Stdout, app.Width)
}

func newWrapWriter(w io.Writer, width int) *wrapWriter { return &wrapWriter{w: w, width: width} }

func (ww *wrapWriter) Write(p []byte) (int, error) {
	ww.mu.Lock()
	defer ww.mu.Unlock()
	ww.partial = append(ww.partial, p...)
	for {
		i := bytes.IndexByte(ww.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := string(ww.partial[:i])
		ww.partial = ww.partial[i+1:]
		if err := ww.put(line, "\n"); err != nil {
			return 0, err
		}
	}
}

// Flush writes what is left of a line that did not end, wrapped, without
// a newline.
func (ww *wrapWriter) Flush() error {
	ww.mu.Lock()
	defer ww.mu.Unlock()
	if len(ww.partial) == 0 {
		return nil
	}
	line := string(ww.partial)
	ww.partial = nil
	return ww.put(line, "")
}

func (ww *wrapWriter) put(line, end string) error {
	// A line that ends "\r\n" (a terminal in raw mode) keeps its
	// ending, on every piece.
	sep := "\n"
	if l, ok := strings.CutSuffix(line, "\r"); ok && end != "" {
		line, sep, end = l, "\r\n", "\r\n"
	}
	pieces := []string{line}
	if ww.width > 0 {
		pieces = wrapANSI(line, ww.width)
	}
	_, err := io.WriteString(ww.w, strings.Join(pieces, sep)+end)
	return err
}
