// Command gencorpus writes a deterministic, course-like site for benchmarks:
// site.yaml and content/ with modules and lessons that lectern builds with
// zero errors and warnings, and that the Hugo twin site (bench/hugo-site)
// builds too. See package bench/internal/corpus for what the lessons hold.
//
//	go run ./bench/gencorpus -n 1000 -out /tmp/corpus-1000
//
// Output is a pure function of -n, -modules, -seed and -plain: same flags,
// same bytes. -out's content/ folder and site.yaml are replaced; nothing
// else in -out is touched. With -cached instead of -out, the corpus goes to
// (or is found in) the cache the Go benchmarks in bench/ use, below the
// temporary folder, and its path is printed on stdout:
//
//	CORPUS=$(go run ./bench/gencorpus -n 10000 -cached)
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/lectern/lectern/bench/internal/corpus"
)

func main() {
	n := flag.Int("n", 1000, "number of lessons")
	modules := flag.Int("modules", 0, "number of modules (default: max(1, n/50), i.e. ~50 lessons per module)")
	out := flag.String("out", "corpus", "output folder (site.yaml and content/ are written inside)")
	seed := flag.Int64("seed", 1, "random seed")
	plain := flag.Bool("plain", false, "no callouts or quizzes: the shared generator's content, byte for byte")
	quiet := flag.Bool("q", false, "print nothing on success")
	cached := flag.Bool("cached", false, "instead of -out: use (or first generate) the corpus in the shared cache\nbelow the temporary folder that bench's Go benchmarks use too, and print its path")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "gencorpus: unexpected argument %q (everything is a flag)\n", flag.Arg(0))
		os.Exit(2)
	}
	if *n < 1 {
		fmt.Fprintln(os.Stderr, "gencorpus: -n must be >= 1")
		os.Exit(2)
	}
	opts := corpus.Options{Lessons: *n, Modules: *modules, Seed: *seed, Plain: *plain}
	if *cached {
		dir, err := corpus.Cached(opts)
		if err != nil {
			fmt.Fprintf(os.Stderr, "gencorpus: %v\n", err)
			os.Exit(1)
		}
		fmt.Println(dir)
		return
	}
	st, err := corpus.Write(*out, opts)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gencorpus: %v\n", err)
		os.Exit(1)
	}
	if !*quiet {
		fmt.Fprintf(os.Stderr, "gencorpus: %d lessons in %d modules, %.1f MiB of lesson Markdown, %d code blocks, %d callouts, %d quizzes (%d questions) under %s\n",
			st.Lessons, st.Modules, float64(st.LessonBytes)/(1<<20), st.CodeBlocks, st.Callouts, st.Quizzes, st.Questions, filepath.Join(*out, "content"))
	}
}
