use async_dsl::race_ok;
pub async fn run() -> Option<u32> {
    let r = ::async_dsl::__private::race(
            ::async_dsl::__private::race_ok_cons(
                ::core::future::IntoFuture::into_future(async {
                    Err::<u32, &'static str>("down")
                }),
                ::async_dsl::__private::race_ok_cons(
                    ::core::future::IntoFuture::into_future(async {
                        Ok::<u32, std::io::Error>(7)
                    }),
                    ::async_dsl::__private::Nil,
                ),
            ),
            {
                #[allow(non_snake_case)]
                struct Errors<T0, T1> {
                    pub primary: T0,
                    pub replica: T1,
                }
                #[automatically_derived]
                #[allow(non_snake_case)]
                impl<T0: ::core::fmt::Debug, T1: ::core::fmt::Debug> ::core::fmt::Debug
                for Errors<T0, T1> {
                    #[inline]
                    fn fmt(
                        &self,
                        f: &mut ::core::fmt::Formatter,
                    ) -> ::core::fmt::Result {
                        ::core::fmt::Formatter::debug_struct_field2_finish(
                            f,
                            "Errors",
                            "primary",
                            &self.primary,
                            "replica",
                            &&self.replica,
                        )
                    }
                }
                #[automatically_derived]
                #[allow(non_snake_case)]
                impl<
                    T0: ::core::clone::Clone,
                    T1: ::core::clone::Clone,
                > ::core::clone::Clone for Errors<T0, T1> {
                    #[inline]
                    fn clone(&self) -> Errors<T0, T1> {
                        Errors {
                            primary: ::core::clone::Clone::clone(&self.primary),
                            replica: ::core::clone::Clone::clone(&self.replica),
                        }
                    }
                }
                #[automatically_derived]
                #[allow(non_snake_case)]
                impl<T0, T1> ::core::marker::StructuralPartialEq for Errors<T0, T1> {}
                #[automatically_derived]
                #[allow(non_snake_case)]
                impl<
                    T0: ::core::cmp::PartialEq,
                    T1: ::core::cmp::PartialEq,
                > ::core::cmp::PartialEq for Errors<T0, T1> {
                    #[inline]
                    fn eq(&self, other: &Errors<T0, T1>) -> bool {
                        self.primary == other.primary && self.replica == other.replica
                    }
                }
                |result| match result {
                    ::async_dsl::__private::ControlFlow::Break(winner) => {
                        ::core::result::Result::Ok(winner)
                    }
                    ::async_dsl::__private::ControlFlow::Continue((v0, (v1, ()))) => {
                        ::core::result::Result::Err(
                            ::async_dsl::__private::AllFailed::new(Errors {
                                primary: v0,
                                replica: v1,
                            }),
                        )
                    }
                }
            },
        )
        .await;
    r.ok()
}
