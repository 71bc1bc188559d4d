package source_test

import "bytes"

type bytesBuffer struct{ bytes.Buffer }

func (b *bytesBuffer) reader() *bytes.Reader { return bytes.NewReader(b.Bytes()) }
