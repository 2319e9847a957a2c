use async_dsl::try_parallel;
pub async fn run() -> Result<(), String> {
    let r = ::async_dsl::__private::join(
            ::async_dsl::__private::Cons::new(
                ::async_dsl::__private::TrySlot::first(
                    ::core::future::IntoFuture::into_future(async {
                        Ok::<u32, String>(1)
                    }),
                ),
                ::async_dsl::__private::Cons::new(
                    ::async_dsl::__private::TrySlot::new(
                        ::core::future::IntoFuture::into_future(async {
                            Ok::<u32, &'static str>(2)
                        }),
                    ),
                    ::async_dsl::__private::Nil,
                ),
            ),
            {
                #[allow(non_snake_case)]
                struct Parallel<T0, T1> {
                    pub a: T0,
                    pub b: T1,
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
                            "a",
                            &self.a,
                            "b",
                            &&self.b,
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
                            a: ::core::clone::Clone::clone(&self.a),
                            b: ::core::clone::Clone::clone(&self.b),
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
                        self.a == other.a && self.b == other.b
                    }
                }
                |result| match result {
                    ::async_dsl::__private::ControlFlow::Continue((v0, (v1, ()))) => {
                        ::core::result::Result::Ok(Parallel { a: v0, b: v1 })
                    }
                    ::async_dsl::__private::ControlFlow::Break(error) => {
                        ::core::result::Result::Err(error)
                    }
                }
            },
        )
        .await?;
    let _ = (r.a, r.b);
    Ok(())
}
