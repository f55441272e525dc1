from django.tasks import task


@task(backend="queue")
def ping(x):
    return x * 2
