package server

import (
	"bytes"
	"html/template"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// markdown renders statement bodies. Goldmark does not emit raw HTML by
// default, and bluemonday's UGC policy removes anything a link or image
// could still smuggle in (javascript: URLs, event attributes).
type markdown struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

func newMarkdown() *markdown {
	policy := bluemonday.UGCPolicy()
	policy.RequireNoFollowOnLinks(true)
	policy.AddTargetBlankToFullyQualifiedLinks(false)
	return &markdown{
		md:     goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify)),
		policy: policy,
	}
}

// HTML renders src as sanitized HTML.
func (m *markdown) HTML(src string) (template.HTML, error) {
	var buf bytes.Buffer
	if err := m.md.Convert([]byte(src), &buf); err != nil {
		return "", err
	}
	return template.HTML(m.policy.SanitizeBytes(buf.Bytes())), nil
}
