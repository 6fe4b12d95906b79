package runner

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/conclab/conclab/runner/gradebook"
)

func init() {
	register(Command{
		Name:    "gradebook",
		Args:    "merge SHARD.json... [--out FILE] [--format csv|json]",
		Summary: "join the JSON gradebooks of grade --class --shard runs into one",
		Order:   61,
		Setup: func(fs *flag.FlagSet) func(context.Context, *App, []string) error {
			out := fs.String("out", "", "write the merged gradebook to this file (default: standard output)")
			format := fs.String("format", "csv", "gradebook format: "+strings.Join(gradebook.Formats, ", "))
			return func(ctx context.Context, app *App, args []string) error {
				if len(args) == 0 || args[0] != "merge" {
					return Usagef("gradebook takes a subcommand; valid: merge")
				}
				if len(args) < 2 {
					return Usagef("gradebook merge takes the shards' JSON gradebooks (grade --class --format json)")
				}
				if !slices.Contains(gradebook.Formats, *format) {
					return Usagef("unknown gradebook format %q; valid: %s", *format, strings.Join(gradebook.Formats, ", "))
				}
				var books []*gradebook.Book
				for _, p := range args[1:] {
					b, err := gradebook.ReadFile(p)
					if err != nil {
						return Usagef("%v", err)
					}
					books = append(books, b)
				}
				book, err := gradebook.Merge(books...)
				if err != nil {
					return Usagef("%v", err)
				}
				if *out == "" {
					return gradebook.Write(app.Stdout, *format, book)
				}
				f, err := os.Create(*out)
				if err != nil {
					return Usagef("cannot write the gradebook: %v", err)
				}
				werr := gradebook.Write(f, *format, book)
				if err := f.Close(); werr == nil {
					werr = err
				}
				if werr != nil {
					return fmt.Errorf("writing %s: %w", *out, werr)
				}
				return gradebook.Summary(app.Stdout, book)
			}
		},
	})
}
