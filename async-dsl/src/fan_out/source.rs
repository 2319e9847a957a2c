//! Where a fan-out's items come from: any `IntoIterator`, or a stream wrapped with
//! [`from_stream`](super::from_stream). Items are pulled one at a time, when a place is free.

use core::pin::Pin;
use core::task::{Context, Poll};

use futures_util::Stream;
use pin_project_lite::pin_project;

/// Where a fan-out's items come from: an iterator ([`Iter`]) or a stream ([`FromStream`]).
///
/// ```
/// use async_dsl::fan_out::{IntoSource, Source};
/// let source = vec![1, 2, 3].into_source();
/// assert_eq!(source.exact_len(), Some(3));
/// ```
pub trait Source {
    /// The items.
    type Item;
    /// The next item, `Ready(None)` at the end; a stream may be `Pending`.
    fn poll_item(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>>;
    /// The number of items, when known exactly up front.
    fn exact_len(&self) -> Option<usize>;
}

fn exact((low, high): (usize, Option<usize>)) -> Option<usize> {
    (Some(low) == high).then_some(low)
}

/// Turns something into a [`Source`]: every `IntoIterator`, and streams wrapped with
/// [`from_stream`](super::from_stream).
///
/// ```
/// use async_dsl::fan_out::IntoSource;
/// let from_a_range = (0..10).into_source();
/// let from_a_stream = async_dsl::from_stream(futures::stream::iter(0..10)).into_source();
/// # drop((from_a_range, from_a_stream));
/// ```
pub trait IntoSource {
    /// The items.
    type Item;
    /// The source.
    type Source: Source<Item = Self::Item>;
    /// Converts.
    fn into_source(self) -> Self::Source;
}

/// A [`Source`] over an iterator.
///
/// ```
/// use async_dsl::fan_out::{IntoSource, Iter};
/// let source: Iter<std::ops::Range<u8>> = (0..3).into_source();
/// # drop(source);
/// ```
#[derive(Debug)]
pub struct Iter<I>(I);

impl<I: Iterator> Source for Iter<I> {
    type Item = I::Item;
    fn poll_item(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<I::Item>> {
        // `Iter` holds no pinned state.
        Poll::Ready(Pin::get_mut(self).0.next())
    }
    fn exact_len(&self) -> Option<usize> {
        exact(self.0.size_hint())
    }
}

impl<I> Unpin for Iter<I> {}

impl<I: IntoIterator> IntoSource for I {
    type Item = I::Item;
    type Source = Iter<I::IntoIter>;
    fn into_source(self) -> Iter<I::IntoIter> {
        Iter(self.into_iter())
    }
}

pin_project! {
    /// A [`Source`] over a stream; see [`from_stream`](super::from_stream).
    ///
    /// ```
    /// let source = async_dsl::from_stream(futures::stream::iter(["a", "b"]));
    /// # drop(source);
    /// ```
    #[derive(Debug)]
    pub struct FromStream<S> {
        #[pin]
        stream: S,
    }
}

impl<S> FromStream<S> {
    pub(crate) fn new(stream: S) -> Self {
        FromStream { stream }
    }
}

impl<S: Stream> Source for FromStream<S> {
    type Item = S::Item;
    fn poll_item(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        self.project().stream.poll_next(cx)
    }
    fn exact_len(&self) -> Option<usize> {
        exact(self.stream.size_hint())
    }
}

impl<S: Stream> IntoSource for FromStream<S> {
    type Item = S::Item;
    type Source = Self;
    fn into_source(self) -> Self {
        self
    }
}
