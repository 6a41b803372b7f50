//! A file writer that hands each full buffer to a thread of its own, which makes the system
//! call: the caller goes on encoding the next megabyte while the kernel takes the last one
//! into the page cache, so a large snapshot costs about the longer of the two, not their sum.
//!
//! Contract: the bytes reach the file in the order they were written; at most [`IN_FLIGHT`]
//! buffers of [`BUFFER`] bytes exist at once (a slow disk slows the caller, it does not grow
//! the heap); the first error the thread meets is returned by the next `write` or `flush`, or
//! by [`Handoff::finish`], and nothing after it is written. Nothing is synced: `finish` hands
//! back the file for that.

use std::fs::File;
use std::io::{self, Write};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread::JoinHandle;

/// Bytes a buffer holds before it is handed over.
pub const BUFFER: usize = 1 << 20;
/// Buffers in existence at once: one being filled, the rest queued or being written.
pub const IN_FLIGHT: usize = 3;

/// A writer whose system calls run on a thread of its own (see the module documentation).
pub struct Handoff {
    /// The buffer being filled.
    buf: Vec<u8>,
    /// Full buffers, to the thread (`None` once it stopped).
    full: Option<SyncSender<Vec<u8>>>,
    /// Written buffers, back from the thread for reuse.
    empty: Receiver<Vec<u8>>,
    /// Buffers made so far (at most [`IN_FLIGHT`]).
    made: usize,
    /// The thread: the file when every buffer was written, or the first error.
    thread: Option<JoinHandle<io::Result<File>>>,
}

impl Handoff {
    /// Starts the writing thread for `file`.
    pub fn new(file: File) -> io::Result<Handoff> {
        let (full, to_write) = sync_channel::<Vec<u8>>(IN_FLIGHT - 1);
        let (written, empty) = sync_channel::<Vec<u8>>(IN_FLIGHT);
        let thread = std::thread::Builder::new()
            .name("state-writer".into())
            .spawn(move || write_all_received(file, &to_write, &written))?;
        Ok(Handoff {
            buf: Vec::with_capacity(BUFFER),
            full: Some(full),
            empty,
            made: 1,
            thread: Some(thread),
        })
    }

    /// Hands the buffer being filled to the thread and takes an empty one: a written one when
    /// every buffer there may be is made, waiting for it if need be.
    fn hand_over(&mut self) -> io::Result<()> {
        let next = match self.empty.try_recv() {
            Ok(b) => b,
            Err(_) if self.made < IN_FLIGHT => {
                self.made += 1;
                Vec::with_capacity(BUFFER)
            }
            // Every buffer is queued or being written: wait for one (a dropped sender means
            // the thread stopped, and `send` below reports why).
            Err(_) => self.empty.recv().unwrap_or_default(),
        };
        let full = std::mem::replace(&mut self.buf, next);
        let sent = self.full.as_ref().map(|s| s.send(full));
        match sent {
            Some(Ok(())) => Ok(()),
            _ => Err(self.stopped()),
        }
    }

    /// The error that stopped the thread (it only stops early on one).
    fn stopped(&mut self) -> io::Error {
        match self.join() {
            Err(e) => e,
            Ok(_) => io::Error::other("the state writer thread stopped"),
        }
    }

    /// Stops handing over, waits for the thread to write what it was handed, and returns its
    /// outcome: the file, or the first error it met.
    fn join(&mut self) -> io::Result<File> {
        self.full = None;
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(io::Error::other("the state writer thread panicked")),
            None => Err(io::Error::other("the state writer thread stopped")),
        }
    }

    /// Writes what is buffered, waits for the thread, and returns the file (not synced).
    pub fn finish(mut self) -> io::Result<File> {
        if !self.buf.is_empty() {
            self.hand_over()?;
        }
        self.join()
    }
}

impl Write for Handoff {
    /// Encoders write a few bytes at a time: what fits is copied, without the default
    /// `write_all`'s loop around `write`.
    #[inline]
    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        if bytes.len() < BUFFER - self.buf.len() {
            self.buf.extend_from_slice(bytes);
            return Ok(());
        }
        self.write_all_across(bytes)
    }

    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if self.thread.is_none() {
            return Err(io::Error::other("the state writer thread stopped"));
        }
        let room = BUFFER - self.buf.len();
        let n = bytes.len().min(room);
        self.buf.extend_from_slice(&bytes[..n]);
        if self.buf.len() == BUFFER {
            self.hand_over()?;
        }
        Ok(n)
    }

    /// Hands over what is buffered; the thread writes it in turn (use `finish` to wait).
    fn flush(&mut self) -> io::Result<()> {
        match self.buf.is_empty() {
            true => Ok(()),
            false => self.hand_over(),
        }
    }
}

impl Handoff {
    /// `write_all` of bytes that fill the buffer being filled (and maybe more).
    #[cold]
    fn write_all_across(&mut self, mut bytes: &[u8]) -> io::Result<()> {
        while !bytes.is_empty() {
            let n = self.write(bytes)?;
            bytes = &bytes[n..];
        }
        Ok(())
    }
}

impl Drop for Handoff {
    /// Stops the thread after what it was handed (an abandoned write: the caller removes the
    /// file).
    fn drop(&mut self) {
        let _ = self.join();
    }
}

/// The thread: writes each buffer received, in order, and sends it back empty; stops at the
/// first error, or when the sender is dropped.
fn write_all_received(
    mut file: File,
    to_write: &Receiver<Vec<u8>>,
    written: &SyncSender<Vec<u8>>,
) -> io::Result<File> {
    for mut buf in to_write {
        file.write_all(&buf)?;
        buf.clear();
        // The writer may be gone (finishing) or hold every buffer it may: not an error.
        let _ = written.try_send(buf);
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes that differ at every offset for a long while, so a reordered or lost buffer shows.
    fn pattern(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 7 + i / 251) as u8).collect()
    }

    #[test]
    fn bytes_arrive_in_order_whatever_the_sizes_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        let want = pattern(IN_FLIGHT * BUFFER * 2 + 12_345);
        let mut w = Handoff::new(File::create(&path).unwrap()).unwrap();
        let sizes = [1, 3, BUFFER - 1, 2, BUFFER * 2 + 5, 17, 4096];
        let (mut at, mut i) = (0, 0);
        while at < want.len() {
            let n = sizes[i % sizes.len()].min(want.len() - at);
            w.write_all(&want[at..at + n]).unwrap();
            if i % 5 == 4 {
                w.flush().unwrap();
            }
            at += n;
            i += 1;
        }
        let made = w.made;
        w.finish().unwrap();
        assert!(made <= IN_FLIGHT, "{made} buffers");
        assert_eq!(std::fs::read(&path).unwrap(), want);
    }

    #[test]
    fn an_empty_write_leaves_an_empty_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        let w = Handoff::new(File::create(&path).unwrap()).unwrap();
        w.finish().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"");
    }

    #[test]
    fn the_threads_error_reaches_the_writer_and_nothing_after_it_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        std::fs::write(&path, b"x").unwrap();
        // Opened for reading only: the thread's first write fails.
        let w = Handoff::new(File::open(&path).unwrap());
        let mut w = w.unwrap();
        let bytes = pattern(BUFFER);
        let mut failed = None;
        for _ in 0..IN_FLIGHT + 2 {
            if let Err(e) = w.write_all(&bytes) {
                failed = Some(e);
                break;
            }
        }
        let e = match failed {
            Some(e) => e,
            None => w.finish().unwrap_err(),
        };
        assert!(
            e.raw_os_error().is_some(),
            "the system call's own error: {e}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), b"x");
    }
}
