package xlsx

import "io"

// chunkSize is how much sheet XML the writer builds before handing it to
// the compressor.
const chunkSize = 256 << 10

// pipeline feeds the worksheet's zip entry (the deflate compressor) on a
// second goroutine: while one chunk of rows is compressed the next is
// built, so rendering uses two cores. At most one chunk is in flight and
// its goroutine ends with it, so a report abandoned before End leaves no
// goroutine behind for longer than one chunk takes.
//
// The compressor writes into a spool, never to the destination: the
// destination is written only from the caller's goroutine, in drain, once
// the chunk in flight is done. A caller that gives up mid-report (Render
// returning a source error, say) and writes to the same destination, such
// as an http.ResponseWriter, therefore never races with the pipeline.
type pipeline struct {
	dst   io.Writer // the worksheet entry
	out   io.Writer // the destination
	spool *spool    // what the zip writer produced, for out
	buf   []byte    // the chunk being built
	spare []byte    // the chunk in flight, or free
	done  chan error
	err   error
}

// Write appends p to the chunk being built and hands the chunk over when
// it is full.
func (p *pipeline) Write(b []byte) error {
	if p.err != nil {
		return p.err
	}
	p.buf = append(p.buf, b...)
	if len(p.buf) < chunkSize {
		return nil
	}
	if err := p.wait(); err != nil {
		return err
	}
	full := p.buf
	p.buf, p.spare = p.spare[:0], full
	done := make(chan error, 1)
	p.done = done
	go func(dst io.Writer) {
		_, err := dst.Write(full)
		done <- err
	}(p.dst)
	return nil
}

// wait waits for the chunk in flight and passes what the compressor made
// of it on to the destination.
func (p *pipeline) wait() error {
	if p.done != nil {
		err := <-p.done
		p.done = nil
		if err != nil {
			p.err = err
			return err
		}
	}
	if err := p.spool.drain(p.out); err != nil {
		p.err = err
		return err
	}
	return nil
}

// Flush waits for the chunk in flight and compresses the rest here.
func (p *pipeline) Flush() error {
	if err := p.wait(); err != nil {
		return err
	}
	if _, err := p.dst.Write(p.buf); err != nil {
		p.err = err
		return err
	}
	p.buf = p.buf[:0]
	return nil
}

// spool collects the zip writer's output between drains.
type spool struct{ b []byte }

func (s *spool) Write(b []byte) (int, error) {
	s.b = append(s.b, b...)
	return len(b), nil
}

// drain writes what was collected to out.
func (s *spool) drain(out io.Writer) error {
	if len(s.b) == 0 {
		return nil
	}
	_, err := out.Write(s.b)
	s.b = s.b[:0]
	return err
}
