use async_dsl::parallel;
async fn fetch_user(id: u32) -> u64 {
    u64::from(id)
}
async fn fetch_posts(id: u32) -> [u32; 2] {
    [id, id + 1]
}
pub async fn run(id: u32) {
    let r = ::async_dsl::__private::join(
            ::async_dsl::__private::Cons::new(
                ::async_dsl::__private::JoinSlot::new(
                    ::core::future::IntoFuture::into_future(fetch_user(id)),
                ),
                ::async_dsl::__private::Cons::new(
                    ::async_dsl::__private::JoinSlot::new(
                        ::core::future::IntoFuture::into_future(fetch_posts(id)),
                    ),
                    ::async_dsl::__private::Nil,
                ),
            ),
            {
                #[allow(non_snake_case)]
                struct Parallel<T0, T1> {
                    pub user: T0,
                    pub posts: T1,
                }
                #[automatically_derived]
                #[allow(non_snake_case)]
                impl<T0: ::core::fmt::Debug, T1: ::core::fmt::Debug> ::core::fmt::Debug
                for Parallel<T0, T1> {
                    #[inline]
                    fn fmt(
                        &self,
                        f: &mut ::core::fmt::Formatter,
                    ) -> ::core::fmt::Result {
                        ::core::fmt::Formatter::debug_struct_field2_finish(
                            f,
                            "Parallel",
                            "user",
                            &self.user,
                            "posts",
                            &&self.posts,
                        )
                    }
                }
                #[automatically_derived]
                #[allow(non_snake_case)]
                impl<
                    T0: ::core::clone::Clone,
                    T1: ::core::clone::Clone,
                > ::core::clone::Clone for Parallel<T0, T1> {
                    #[inline]
                    fn clone(&self) -> Parallel<T0, T1> {
                        Parallel {
                            user: ::core::clone::Clone::clone(&self.user),
                            posts: ::core::clone::Clone::clone(&self.posts),
                        }
                    }
                }
                #[automatically_derived]
                #[allow(non_snake_case)]
                impl<T0, T1> ::core::marker::StructuralPartialEq for Parallel<T0, T1> {}
                #[automatically_derived]
                #[allow(non_snake_case)]
                impl<
                    T0: ::core::cmp::PartialEq,
                    T1: ::core::cmp::PartialEq,
                > ::core::cmp::PartialEq for Parallel<T0, T1> {
                    #[inline]
                    fn eq(&self, other: &Parallel<T0, T1>) -> bool {
                        self.user == other.user && self.posts == other.posts
                    }
                }
                |result| match result {
                    ::async_dsl::__private::ControlFlow::Continue((v0, (v1, ()))) => {
                        Parallel { user: v0, posts: v1 }
                    }
                    ::async_dsl::__private::ControlFlow::Break(never) => match never {}
                }
            },
        )
        .await;
    let _ = (r.user, r.posts);
}
