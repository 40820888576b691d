package coursecheck

import (
	"bufio"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

var (
	requestLineRE = regexp.MustCompile(`^[A-Z]+ \S+ HTTP/\d(\.\d)?$`)
	statusLineRE  = regexp.MustCompile(`^HTTP/\d(\.\d)? \d{3}( |$)`)
	headerLineRE  = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+:")
	// curl -i prints "HTTP/2 200"; net/http reads only "HTTP/x.y".
	shortVersionRE = regexp.MustCompile(`HTTP/(\d)(\s|$)`)
)

// CheckHTTP checks that every http block is one well-formed request or
// response: start line, `Name: value` header lines, a blank line, the body.
func CheckHTTP(blocks []Block) []Problem {
	var ps []Problem
	for _, b := range blocks {
		if b.Kind() != "http" || skipped(b) {
			continue
		}
		ps = append(ps, checkHTTPBlock(b)...)
	}
	return ps
}

func checkHTTPBlock(b Block) []Problem {
	text := strings.ReplaceAll(string(b.Code), "\r\n", "\n")
	text = strings.TrimSuffix(text, "\n")
	lines := strings.Split(text, "\n")
	if strings.TrimSpace(text) == "" {
		return []Problem{b.problem("empty block")}
	}
	start := lines[0]
	isResponse := strings.HasPrefix(start, "HTTP/")
	switch {
	case isResponse && !statusLineRE.MatchString(start):
		return []Problem{b.problemAt(1, "%q is not a status line like \"HTTP/1.1 200 OK\"", start)}
	case !isResponse && !requestLineRE.MatchString(start):
		return []Problem{b.problemAt(1, "%q is neither a request line like \"GET /orders/42 HTTP/1.1\" nor a status line like \"HTTP/1.1 200 OK\"", start)}
	}

	// Header lines, up to the first blank line.
	var ps []Problem
	end := len(lines) // index of the blank line, or len(lines)
	contentLength := ""
	for i := 1; i < len(lines); i++ {
		l := lines[i]
		if l == "" {
			end = i
			break
		}
		switch {
		case strings.TrimSpace(l) == "":
			ps = append(ps, b.problemAt(i+1, "a blank line that holds spaces: the header section ends only at an empty line"))
		case l[0] == ' ' || l[0] == '\t':
			ps = append(ps, b.problemAt(i+1, "header line starts with white space (obsolete line folding): write each header on one line"))
		case !headerLineRE.MatchString(l):
			ps = append(ps, b.problemAt(i+1, "%q is not a header line `Name: value` (a blank line must come between the headers and the body)", l))
		default:
			name, value, _ := strings.Cut(l, ":")
			if strings.EqualFold(name, "Content-Length") {
				contentLength = strings.TrimSpace(value)
			}
		}
	}
	if len(ps) > 0 {
		return ps
	}
	var body []string
	if end < len(lines) {
		body = lines[end+1:]
	}
	for i, l := range body {
		if requestLineRE.MatchString(l) || statusLineRE.MatchString(l) {
			n := end + 2 + i
			return []Problem{b.problemAt(n, "a second message starts here: put each request and each response in its own ```http block")}
		}
	}

	// Content-Length is the body's length, with the line ends as written
	// (LF) or as sent (CRLF).
	lfBody := strings.Join(body, "\n")
	crlfBody := strings.Join(body, "\r\n")
	// Without Content-Length, end the last line too and add the empty line a
	// chunked body ends with, which writers leave out of a code block.
	wire := crlfBody + "\r\n\r\n"
	if contentLength != "" {
		n, err := strconv.Atoi(contentLength)
		switch {
		case err != nil || n < 0:
			return []Problem{b.problem("Content-Length %q is not a number of bytes", contentLength)}
		case n == len(lfBody):
			wire = lfBody
		case n == len(crlfBody):
			wire = crlfBody
		default:
			if len(lfBody) == len(crlfBody) {
				return []Problem{b.problem("Content-Length is %d but the body has %d bytes", n, len(lfBody))}
			}
			return []Problem{b.problem("Content-Length is %d but the body has %d bytes (%d with CRLF line ends)", n, len(lfBody), len(crlfBody))}
		}
	}

	// Now let net/http read it, as a server or client would.
	head := lines[:end]
	head[0] = shortVersionRE.ReplaceAllString(head[0], "HTTP/$1.0$2")
	msg := strings.Join(head, "\r\n") + "\r\n\r\n" + wire
	r := bufio.NewReader(strings.NewReader(msg))
	var bodyReader io.ReadCloser
	if isResponse {
		resp, err := http.ReadResponse(r, nil)
		if err != nil {
			return []Problem{b.problem("net/http cannot read this response: %v", err)}
		}
		bodyReader = resp.Body
	} else {
		req, err := http.ReadRequest(r)
		if err != nil {
			return []Problem{b.problem("net/http cannot read this request: %v", err)}
		}
		bodyReader = req.Body
	}
	if _, err := io.ReadAll(bodyReader); err != nil {
		return []Problem{b.problem("net/http cannot read the body: %v", err)}
	}
	return nil
}
