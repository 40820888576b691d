package build

import "strings"

// The highlighter (markdown/code.go) writes every fenced code block as
//
//	<pre class="chroma" tabindex="0"><code class="language-go" data-lang="go">…</code></pre>
//
// with nothing inside but escaped text and chroma's <span class="…"> tags.
// Half the tags of a lesson are such spans, and two passes over the body
// walk them only to skip them: the search index leaves code out, and
// /print/ changes nothing in it. codeBlocks finds the blocks so both can
// jump over them.
const (
	codeOpen  = `<pre class="chroma" tabindex="0"><code`
	codeClose = `</code></pre>`
)

// codeBlocks returns the [start, end) byte ranges of the highlighted code
// blocks of a body converted without raw HTML: then the opening above can
// only be the highlighter's (everything an author writes is escaped), the
// tokenizer is between tags where it stands, and the block ends at the
// first </pre>. A block holding any tag but the highlighter's own is left
// out, to be read tag by tag.
func codeBlocks(body string) [][2]int {
	return findCode(body, codeOpen)
}

// minCodeOpen is codeOpen minified: codeBlocks for a minified body.
const minCodeOpen = `<pre class=chroma tabindex=0><code`

// minCodeBlocks is codeBlocks for the minified form of such a body, whose
// span classes may have lost their quotes.
func minCodeBlocks(body string) [][2]int {
	return findCode(body, minCodeOpen)
}

func findCode(body, open string) [][2]int {
	var out [][2]int
	for at := 0; ; {
		i := strings.Index(body[at:], open)
		if i < 0 {
			return out
		}
		start := at + i
		end, ok := codeBlockEnd(body, start+len(open))
		if !ok {
			at = start + len(open)
			continue
		}
		out = append(out, [2]int{start, end})
		at = end
	}
}

// codeBlockEnd checks the rest of a code block from just after its opening
// and returns the offset after its </pre>.
func codeBlockEnd(body string, at int) (int, bool) {
	// The rest of <code …>: attributes without markup.
	gt := strings.IndexByte(body[at:], '>')
	if gt < 0 || strings.ContainsAny(body[at:at+gt], "<") {
		return 0, false
	}
	at += gt + 1
	for {
		lt := strings.IndexByte(body[at:], '<')
		if lt < 0 {
			return 0, false
		}
		at += lt
		rest := body[at:]
		switch {
		case strings.HasPrefix(rest, "</span>"):
			at += len("</span>")
		case strings.HasPrefix(rest, `<span class="`):
			v := at + len(`<span class="`)
			q := strings.IndexByte(body[v:], '"')
			if q < 0 || strings.ContainsAny(body[v:v+q], "<>") || !strings.HasPrefix(body[v+q:], `">`) {
				return 0, false
			}
			at = v + q + len(`">`)
		case strings.HasPrefix(rest, `<span class=`):
			// Minified: an unquoted class.
			v := at + len(`<span class=`)
			q := strings.IndexByte(body[v:], '>')
			if q <= 0 || strings.ContainsAny(body[v:v+q], "<\"' \t\n\r\f=`") {
				return 0, false
			}
			at = v + q + 1
		case strings.HasPrefix(rest, codeClose):
			return at + len(codeClose), true
		default:
			return 0, false
		}
	}
}

// withoutCode returns body without its code blocks: what the search index
// reads of it is the same.
func withoutCode(body string, blocks [][2]int) []byte {
	out := make([]byte, 0, len(body)-codeLen(blocks))
	at := 0
	for _, bl := range blocks {
		out = append(out, body[at:bl[0]]...)
		at = bl[1]
	}
	return append(out, body[at:]...)
}

// codeLen is the blocks' total length.
func codeLen(blocks [][2]int) int {
	n := 0
	for _, bl := range blocks {
		n += bl[1] - bl[0]
	}
	return n
}
